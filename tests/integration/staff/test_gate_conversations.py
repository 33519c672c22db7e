"""The publish gate's test-conversation step against the real model: it names a conversation
whose dialogue goes differently and passes the ones that go as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_core.settings import PROJECT_ROOT
from clinic_staff.faq import publish

pytestmark = pytest.mark.integration

STORIES = """version: "3.1"
stories:
  - story: greeting as written
    steps:
      - user: |
          hello there
        intent: greet
      - action: utter_greet
  - story: greeting answered with goodbye
    steps:
      - user: |
          hi
        intent: greet
      - action: utter_goodbye
"""


def test_the_gate_names_a_conversation_whose_dialogue_changed(model_path, tmp_path, monkeypatch):
    conversations = tmp_path / "conversations"
    conversations.mkdir()
    (conversations / "stories.yml").write_text(STORIES)
    monkeypatch.setattr(publish, "CONVERSATIONS", conversations)
    root = tmp_path / "staged"
    root.mkdir()
    (root / ".build").symlink_to(PROJECT_ROOT / ".build")  # the spaCy model, by relative path

    failures = publish._conversations(Path(model_path), root)

    assert len(failures) == 1, failures
    assert "“greeting answered with goodbye”" in failures[0]
    assert "utter_goodbye" in failures[0] and "utter_greet" in failures[0]
