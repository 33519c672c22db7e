import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from clinic_core.settings import load_clinic
from tests.unit.trackers import load_domain, make_tracker


def run_session_start(tracker):
    return asyncio.run(ActionSessionStart().run(CollectingDispatcher(), tracker, load_domain()))


def test_session_start_sets_every_clinic_slot_from_clinic_settings():
    events = run_session_start(make_tracker())

    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    clinic = load_clinic()
    assert slots["clinic_phone"] == clinic.phone
    assert slots["booking_url"] == clinic.booking_url
    assert set(clinic.as_slots()) <= set(slots)


def test_session_start_carries_over_earlier_slots():
    events = run_session_start(make_tracker(slots={"booking_offered": True, "clinic_phone": None}))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_offered"] is True


def test_every_clinic_slot_is_declared_in_the_domain():
    clinic_slots = set(load_clinic().as_slots())
    assert clinic_slots <= set(load_domain()["slots"])
