"""The crisis guard component on hand-made NLU results (no trained model needed)."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from clinic_core.phrases import PhraseMatcher
from clinic_rasa.nlu.crisis_guard import CrisisGuard

CONFIG = {**CrisisGuard.get_default_config()}


@pytest.fixture
def guard():
    return CrisisGuard(CONFIG, PhraseMatcher(["kill myself", "want to die"], ["dying to know"]))


def nlu_result(text, ranking):
    ranking = [{"name": n, "confidence": c} for n, c in ranking]
    return Message(data={"text": text, "intent": ranking[0], "intent_ranking": ranking})


def test_phrase_overrides_a_confident_faq_prediction(guard):
    message = nlu_result("how fast does it work, i want to die", [("faq", 0.97), ("crisis", 0.02)])
    guard.process([message])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "crisis"
    assert message.get("crisis_detection") == {
        "grade": "risk",
        "layer": "phrase_list",
        "phrase": "want to die",
    }


def test_model_crisis_counts_even_when_the_fallback_replaced_it(guard):
    message = nlu_result(
        "everything feels pointless", [("nlu_fallback", 0.5), ("crisis", 0.45), ("faq", 0.40)]
    )
    guard.process([message])
    assert message.get("intent")["name"] == "crisis"
    assert message.get("crisis_detection")["layer"] == "model"


def test_weak_model_crisis_votes_are_ignored(guard):
    message = nlu_result("how much does it cost", [("faq", 0.9), ("crisis", 0.05)])
    guard.process([message])
    assert message.get("intent")["name"] == "faq" and message.get("crisis_detection") is None


def test_a_crisis_runner_up_behind_another_intent_does_not_count(guard):
    message = nlu_result("give me a pasta recipe", [("out_of_scope", 0.67), ("crisis", 0.31)])
    guard.process([message])
    assert message.get("intent")["name"] == "out_of_scope"
