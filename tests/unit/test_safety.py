import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionAfterCheckIn, ActionFlagCrisis, ValidateCrisisCheckForm
from clinic_core.storage import get_storage
from tests.unit.trackers import load_domain, make_tracker


@pytest.fixture(autouse=True)
def clinic_db(tmp_path, monkeypatch):
    monkeypatch.setenv("CLINIC_DB_URL", f"sqlite:///{tmp_path}/clinic.db")


def run(tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionFlagCrisis().run(dispatcher, tracker, load_domain()))
    return dispatcher.messages, events


def test_crisis_is_flagged_for_staff_review_without_the_message_text():
    tracker = make_tracker(text="i want to end my life", intent="crisis", sender_id="abc")
    tracker.latest_message["crisis_detection"] = {
        "grade": "risk",
        "layer": "phrase_list",
        "phrase": "end my life",
    }
    messages, events = run(tracker)
    flags = get_storage().list_flags()
    assert [(f["conversation_id"], f["layer"], f["status"]) for f in flags] == [
        ("abc", "phrase_list:risk", "new")
    ]
    assert "end my life" not in str(flags)
    assert messages[0]["response"] == "utter_crisis_followup"
    assert {"event": "slot", "name": "crisis_flagged", "value": True} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events if e["event"] == "slot"
    ]


def test_crisis_mid_form_deactivates_the_form_and_clears_its_answers():
    tracker = make_tracker(
        slots={"callback_first_name": "Alex", "callback_failures": 2.0},
        intent="crisis",
        active_loop="callback_form",
    )
    _, events = run(tracker)
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    cleared = {e["name"] for e in events if e["event"] == "slot" and e["value"] is None}
    assert {
        "callback_first_name",
        "callback_contact",
        "requested_slot",
        "callback_failures",
        "callback_contact_method",
    } <= cleared


def test_help_is_still_offered_when_the_flag_cannot_be_stored(monkeypatch, tmp_path):
    (tmp_path / "not-a-dir").write_text("")
    monkeypatch.setenv("CLINIC_DB_URL", f"sqlite:///{tmp_path}/not-a-dir/clinic.db")
    messages, events = run(make_tracker(intent="crisis"))
    assert messages[0]["response"] == "utter_crisis_followup"


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("yes", "affirm", "yes"),
        ("/deny", "deny", "no"),
        ("no I'm fine", "inform", "no"),
        ("i don't know", "inform", "unclear"),
        ("what does it cost", "faq", "unclear"),
    ],
)
def test_the_check_in_answer_is_yes_no_or_unclear(text, intent, expected):
    tracker = make_tracker(text=text, intent=intent, active_loop="crisis_check_form")
    slots = ValidateCrisisCheckForm().validate_crisis_check_answer(
        text, CollectingDispatcher(), tracker, load_domain()
    )
    assert slots == {"crisis_check_answer": expected}


def _after_check_in(answer, events=()):
    tracker = make_tracker(
        slots={"crisis_check_answer": answer}, events=list(events), sender_id="checked"
    )
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ActionAfterCheckIn().run(dispatcher, tracker, load_domain()))
    return [m["response"] for m in dispatcher.messages], result


@pytest.mark.parametrize("answer", ["yes", "unclear", None])
def test_yes_or_an_unclear_answer_gets_the_crisis_response_and_a_flag(answer):
    responses, events = _after_check_in(answer)
    assert responses == ["utter_crisis", "utter_crisis_followup"]
    assert [f["layer"] for f in get_storage().list_flags()] == [f"check_in:{answer or 'unclear'}"]
    assert {"event": "slot", "name": "crisis_flagged", "value": True} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events if e["event"] == "slot"
    ]


def test_no_answers_the_question_the_visitor_asked():
    asked = {
        "event": "user",
        "text": "how much does it cost, i cant go on like this",
        "parse_data": {
            "intent": {"name": "crisis_check", "confidence": 1.0},
            "intent_ranking": [{"name": "crisis_check"}, {"name": "faq"}, {"name": "greet"}],
            "response_selector": {
                "faq": {"response": {"intent_response_key": "faq/cost", "confidence": 0.9}}
            },
        },
    }
    responses, _ = _after_check_in("no", [asked])
    assert responses == ["utter_check_in_no", "utter_faq/cost"]
    assert get_storage().list_flags() == []


def test_no_without_a_question_asks_what_else():
    responses, _ = _after_check_in("no")
    assert responses == ["utter_check_in_no", "utter_anything_else"]


def test_a_crisis_flag_write_is_retried_then_reported_never_silently_lost(monkeypatch, caplog):
    import asyncio as _asyncio

    from actions import safety
    from clinic_core import metrics
    from clinic_core.storage import StorageError

    attempts = []

    def failing(self, conversation_id, layer):
        attempts.append(conversation_id)
        raise StorageError("database is locked")

    monkeypatch.setattr("clinic_core.storage.Storage.flag_conversation", failing)
    monkeypatch.setattr(safety, "RETRY_DELAYS_S", (0.0, 0.0))
    before = metrics.CRISIS_FLAG_WRITE_FAILURES._value.get()
    assert _asyncio.run(safety.write_flag("lost-1", "phrase")) is False
    assert len(attempts) == 3
    assert metrics.CRISIS_FLAG_WRITE_FAILURES._value.get() == before + 1
    assert "CRISIS FLAG NOT WRITTEN" in caplog.text


def test_a_crisis_flag_write_succeeds_on_a_retry(monkeypatch):
    import asyncio as _asyncio

    from actions import safety
    from clinic_core.storage import StorageError

    calls = []

    def flaky(self, conversation_id, layer):
        calls.append(1)
        if len(calls) == 1:
            raise StorageError("database is locked")
        return True

    monkeypatch.setattr("clinic_core.storage.Storage.flag_conversation", flaky)
    monkeypatch.setattr(safety, "RETRY_DELAYS_S", (0.0,))
    assert _asyncio.run(safety.write_flag("flaky-1", "model")) is True
