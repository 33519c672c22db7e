"""Unit tests of the booking actions and the call-back form validator."""

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import booking
from clinic_core.settings import load_clinic
from clinic_core.storage import StorageError, get_storage
from tests.unit.trackers import load_domain, make_tracker, render


@pytest.fixture(autouse=True)
def clinic_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/clinic.db"
    monkeypatch.setenv("CLINIC_DB_URL", url)
    return url


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, load_domain()))
    return render(dispatcher.messages, tracker.slots), events


def slots_of(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def validate(slot, value, slots=None, intent="inform"):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        slots=slots or {}, text=str(value), intent=intent, active_loop="callback_form"
    )
    method = getattr(booking.ValidateCallbackForm(), f"validate_{slot}")
    return method(value, dispatcher, tracker, load_domain()), render(dispatcher.messages)


def test_offer_booking_gives_link_phone_and_callback_from_clinic_settings():
    clinic = load_clinic()
    messages, events = run(booking.ActionOfferBooking(), make_tracker())
    assert clinic.booking_url in messages[0]["text"] and clinic.phone in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == clinic.booking_url
    assert "/request_callback" in payloads
    assert payloads[2].startswith("tel:+") or payloads[2].startswith("tel:")
    assert slots_of(events) == {"booking_offered": True}


@pytest.mark.parametrize("topic", sorted(booking.BOOKING_TOPICS))
def test_booking_is_offered_after_eligibility_cost_insurance_getting_started(topic):
    tracker = make_tracker(
        intent="faq", response_selector={"faq": {"response": {"intent_response_key": topic}}}
    )
    messages, events = run(booking.ActionFaqFollowup(), tracker)
    assert len(messages) == 1 and messages[0]["buttons"]
    assert slots_of(events) == {"booking_offered": True}


def test_booking_is_offered_only_once_per_conversation():
    tracker = make_tracker(
        slots={"booking_offered": True},
        intent="faq",
        response_selector={"faq": {"response": {"intent_response_key": "faq/cost"}}},
    )
    assert run(booking.ActionFaqFollowup(), tracker) == ([], [])


def test_no_booking_offer_after_other_faqs():
    tracker = make_tracker(
        intent="faq",
        response_selector={"faq": {"response": {"intent_response_key": "faq/what_is_trd"}}},
    )
    assert run(booking.ActionFaqFollowup(), tracker) == ([], [])


def test_valid_name_is_normalised():
    slots, messages = validate("callback_first_name", "my name is maria")
    assert slots["callback_first_name"] == "Maria" and not messages


@pytest.mark.parametrize("value", ["", "12", "<script>alert(1)</script>", "😀", "x" * 10_000, None])
def test_invalid_name_is_reprompted(value):
    slots, messages = validate("callback_first_name", value)
    assert slots["callback_first_name"] is None
    assert "first name" in messages[0]["text"]
    assert slots["callback_failures"] == 1.0


@pytest.mark.parametrize(
    "value,method,normalised",
    [
        ("+44 20 7946 0958", "phone", "+442079460958"),
        ("212 555 0100", "phone", "+12125550100"),
        ("Jo@Example.org", "email", "Jo@example.org"),
    ],
)
def test_valid_contact_is_normalised(value, method, normalised):
    slots, messages = validate("callback_contact", value)
    assert slots["callback_contact"] == normalised
    assert slots["callback_contact_method"] == method
    assert not messages


def test_the_form_shows_a_phone_number_in_one_format():
    slots, _ = validate("callback_contact", "212 555 0147")
    assert slots["callback_contact_display"] == "(212) 555-0147"
    asked = render([{"response": "utter_ask_callback_consent"}], {**slots, "clinic_name": "X"})
    confirmed, _ = run(booking.ActionSubmitCallback(), make_tracker(slots=FILLED))
    assert "(212) 555-0147" in asked[0]["text"] and "+1212" not in asked[0]["text"]
    assert "(212) 555-0147" in confirmed[0]["text"]


@pytest.mark.parametrize(
    "value", ["", "555", "+", "call me", "a@", "😀", "1" * 10_000, "<img src=x onerror=alert(1)>"]
)
def test_invalid_contact_gets_a_specific_reprompt(value):
    slots, messages = validate("callback_contact", value)
    assert slots["callback_contact"] is None
    assert "phone number" in messages[0]["text"] and "email" in messages[0]["text"]


def test_third_failure_offers_the_phone_number():
    slots, messages = validate("callback_contact", "nope", slots={"callback_failures": 2.0})
    assert slots["callback_failures"] == 3.0
    assert load_clinic().phone in messages[-1]["text"]
    assert any(b["payload"] == "/stop" for b in messages[-1]["buttons"])


def test_failures_reset_after_a_valid_answer():
    slots, _ = validate("callback_contact", "212 555 0100", slots={"callback_failures": 2.0})
    assert slots["callback_failures"] == 0.0


def test_times_are_kept_as_given_with_a_parsed_hint():
    slots, _ = validate("callback_times", "Tuesday after 3pm")
    assert slots["callback_times"] == "Tuesday after 3pm"
    assert slots["callback_times_hint"] == "Tuesday; afternoon"


def test_a_time_outside_office_hours_gets_a_friendly_correction():
    clinic = load_clinic()
    assert clinic.opening_hours is not None
    slots, messages = validate("callback_times", "after 5pm")
    assert slots["callback_times"] is None
    assert clinic.hours in messages[0]["text"] and '"after 5pm"' in messages[0]["text"]
    assert slots["callback_failures"] == 1.0


def test_overlong_times_are_refused():
    slots, messages = validate("callback_times", "morning " * 2000)
    assert slots["callback_times"] is None and messages


@pytest.mark.parametrize(
    "value,intent,expected",
    [
        ("/affirm", "affirm", True),
        ("yes", "affirm", True),
        ("no", "deny", False),
        ("sure, that's fine", "inform", True),
    ],
)
def test_consent(value, intent, expected):
    slots, _ = validate("callback_consent", value, intent=intent)
    assert slots["callback_consent"] is expected


def test_unclear_consent_is_asked_again():
    slots, messages = validate("callback_consent", "what for?", intent="inform")
    assert slots["callback_consent"] is None and "yes or no" in messages[0]["text"]


FILLED = {
    "callback_first_name": "Maria",
    "callback_contact": "+12125550147",
    "callback_contact_method": "phone",
    "callback_times": "weekday mornings",
    "callback_times_hint": "Weekdays; morning",
    "callback_consent": True,
}


def test_confirmed_request_is_saved_with_a_reference():
    messages, events = run(booking.ActionSubmitCallback(), make_tracker(slots=FILLED))
    reference = slots_of(events)["booking_reference"]
    assert reference.startswith("KT-") and reference in messages[0]["text"]
    saved = get_storage().list_bookings()
    assert len(saved) == 1
    assert saved[0]["reference"] == reference and saved[0]["contact"] == "+12125550147"
    assert saved[0]["first_name"] == "Maria" and saved[0]["status"] == "new"
    assert all(slots_of(events)[slot] is None for slot in booking.FORM_SLOTS)


def test_declined_consent_saves_nothing():
    messages, events = run(
        booking.ActionSubmitCallback(), make_tracker(slots={**FILLED, "callback_consent": False})
    )
    assert get_storage().list_bookings() == []
    assert "nothing was saved" in messages[0]["text"]
    assert "booking_reference" not in slots_of(events)


def test_failed_write_is_never_reported_as_success(monkeypatch):
    def fail(self, request):
        raise StorageError("disk full")

    monkeypatch.setattr("clinic_core.storage.Storage.save_booking", fail)
    messages, events = run(booking.ActionSubmitCallback(), make_tracker(slots=FILLED))
    assert "NOT been sent" in messages[0]["text"] and load_clinic().phone in messages[0]["text"]
    assert "booking_reference" not in slots_of(events)
    assert not set(booking.FORM_SLOTS) & set(slots_of(events)), "the answers must be kept"


def test_unreachable_database_is_reported_not_saved(monkeypatch, tmp_path):
    (tmp_path / "not-a-dir").write_text("")
    monkeypatch.setenv("CLINIC_DB_URL", f"sqlite:///{tmp_path}/not-a-dir/clinic.db")
    messages, _ = run(booking.ActionSubmitCallback(), make_tracker(slots=FILLED))
    assert "NOT been sent" in messages[0]["text"]


def test_actions_pass_values_and_the_wording_comes_from_the_domain():
    messages, _ = run(booking.ActionSubmitCallback(), make_tracker(slots=FILLED))
    assert messages[0]["response"] == "utter_callback_saved_phone"
    assert "(212) 555-0147" in messages[0]["text"] and "weekday mornings" in messages[0]["text"]
    assert "988" in messages[0]["text"], "anything urgent goes to 988 / 911, not the office line"


def test_cancel_clears_the_form_and_says_nothing_was_saved():
    messages, events = run(booking.ActionCancelCallback(), make_tracker(slots=FILLED))
    assert "nothing was saved" in messages[0]["text"]
    assert all(slots_of(events)[slot] is None for slot in booking.FORM_SLOTS)
    assert get_storage().list_bookings() == []


def test_a_confirmation_repeated_after_a_crash_saves_one_request_with_one_reference():
    """Rasa died after the save and re-runs the submission with the same form run."""
    form_started = [{"event": "active_loop", "name": "callback_form", "timestamp": 1700000000.5}]
    tracker = make_tracker(slots=FILLED, events=form_started, sender_id="crash-1")
    first, _ = run(booking.ActionSubmitCallback(), tracker)
    again, _ = run(booking.ActionSubmitCallback(), tracker)
    saved = get_storage().list_bookings()
    assert len(saved) == 1 and saved[0]["reference"] in first[0]["text"]
    assert saved[0]["reference"] in again[0]["text"]
    # a new run of the form later is a new request
    later = [
        *form_started,
        {"event": "active_loop", "name": "callback_form", "timestamp": 1700009999.0},
    ]
    run(
        booking.ActionSubmitCallback(),
        make_tracker(slots=FILLED, events=later, sender_id="crash-1"),
    )
    assert len(get_storage().list_bookings()) == 2


def test_the_idempotency_key_is_unique_in_the_database():
    import sqlalchemy as sa

    from clinic_core.storage import booking_requests

    storage = get_storage()
    assert storage.engine is not None  # tables created
    row = dict(
        reference="KT-AAAAAA",
        created_at=__import__("datetime").datetime.now(),
        conversation_id="c",
        first_name="A",
        contact_method="phone",
        contact="+12125550100",
        preferred_times="any",
        consent=True,
        status="new",
        idempotency_key="c:callback_form:1",
    )
    with storage.engine.begin() as connection:
        connection.execute(booking_requests.insert().values(**row))
    with pytest.raises(sa.exc.IntegrityError):
        with storage.engine.begin() as connection:
            connection.execute(
                booking_requests.insert().values(**{**row, "reference": "KT-BBBBBB"})
            )
