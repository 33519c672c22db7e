"""The names the Rasa server and the action server share exist on both sides."""

from __future__ import annotations

import ast
from pathlib import Path

from clinic_core import contract
from clinic_core.settings import PROJECT_ROOT
from tests.unit.trackers import load_domain


def test_domain_declares_every_shared_name():
    domain = load_domain()
    assert contract.CRISIS_INTENT in domain["intents"]
    assert contract.FLAG_CRISIS_ACTION in domain["actions"]
    assert contract.CRISIS_FLAGGED_SLOT in domain["slots"]
    assert contract.CRISIS_FOLLOWUP_RESPONSE in domain["responses"]


def _utter_message_calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
            yield path, node


def test_actions_pass_response_names_never_sentences():
    """Staff change what the bot says in domain.yml; an action only picks the response."""
    calls = [
        call
        for path in sorted((PROJECT_ROOT / "actions").glob("*.py"))
        for call in _utter_message_calls(path)
    ]
    assert calls, "the actions should speak through utter_message(response=...)"
    responses = load_domain()["responses"]
    for path, call in calls:
        keywords = {keyword.arg for keyword in call.keywords}
        assert "text" not in keywords, f"{path.name}:{call.lineno} builds its text in Python"
        assert "response" in keywords, f"{path.name}:{call.lineno} names no response"
        name = next(k.value for k in call.keywords if k.arg == "response")
        if isinstance(name, ast.Constant):
            assert name.value in responses, f"{name.value} is not in domain.yml"


def test_every_quick_reply_intent_is_a_button_intent_and_typed_commands_become_text():
    """Buttons keep working; any other typed "/intent" is read as text (no flag, no slot)."""
    from clinic_core.settings import load_settings
    from clinic_rasa.channels.validation import COMMAND_REPLY, check_message

    payloads = {
        button["payload"][1:]
        for variants in load_domain()["responses"].values()
        for variant in variants
        for button in variant.get("buttons") or []
        if str(button.get("payload", "")).startswith("/")
    }
    assert payloads and payloads <= contract.BUTTON_INTENTS
    limits = load_settings({})
    assert check_message("v", "/request_callback", None, limits).text == "/request_callback"
    for typed in ("/crisis", "//crisis", '/request_callback{"callback_contact": "x"}', "/affirm@1"):
        refused = check_message("v", typed, None, limits)
        assert refused.reply == COMMAND_REPLY and refused.text == "", typed
    assert check_message("v", "/ what does it cost?", None, limits).text == "what does it cost?"
