"""Crisis help without a model: a Rasa server with no model loaded still answers with 988 and 911."""

from __future__ import annotations

from typing import Iterator

import pytest
import requests

from tests.servers import TOKEN, Deployment, deploy


@pytest.fixture(scope="module")
def modelless(tmp_path_factory, model_path) -> Iterator[Deployment]:
    """The real stack, then its model unloaded through the authenticated HTTP API."""
    for deployment in deploy(tmp_path_factory.mktemp("no-model"), model_path):
        response = requests.delete(f"{deployment.base}/model", params={"token": TOKEN}, timeout=30)
        assert response.status_code == 204, response.text
        status = requests.get(f"{deployment.base}/status", params={"token": TOKEN}, timeout=30)
        assert not status.json().get("model_file"), "the model should be unloaded"
        yield deployment


def replies(deployment: Deployment, sender: str, text: str):
    response = deployment.post({"sender": sender, "message": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_crisis_message_gets_the_crisis_response_without_a_model(modelless):
    said = replies(modelless, "no-model-1", "I want to kill myself")
    text = " ".join(m["text"] for m in said)
    assert "988" in text and "741741" in text and "911" in text
    assert any(b["payload"] == "tel:988" for m in said for b in m.get("buttons", []))


def test_an_overdose_gets_the_emergency_line_first_without_a_model(modelless):
    text = replies(modelless, "no-model-2", "i just took the whole bottle of my pills")[0]["text"]
    assert text.index("911") < text.index("988")


def test_any_other_message_still_names_988_and_911(modelless):
    text = replies(modelless, "no-model-3", "how much does ketamine cost")[0]["text"]
    assert "988" in text and "911" in text
    assert "didn't understand" not in text
