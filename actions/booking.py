"""From a question to a consultation: booking offers and the call-back request form."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from clinic_core import metrics, parsing
from clinic_core.settings import load_clinic
from clinic_core.storage import BookingRequest, StorageError, get_storage

logger = logging.getLogger(__name__)

FORM_NAME = "callback_form"
FORM_SLOTS = ("callback_first_name", "callback_contact", "callback_times", "callback_consent")
DERIVED_SLOTS = (
    "callback_contact_method",
    "callback_contact_display",
    "callback_times_hint",
    "callback_failures",
)
MAX_FAILURES = 3
# FAQ topics after which a visitor is offered booking (once per conversation).
BOOKING_TOPICS = frozenset(
    {
        "faq/candidates",
        "faq/eligibility_conditions",
        "faq/cost",
        "faq/insurance",
        "faq/getting_started",
        "faq/medication_changes",
        "faq/dosing",
    }
)


class ActionOfferBooking(Action):
    """Give the booking link, call-back option and phone from the clinic settings."""

    def name(self) -> Text:
        return "action_offer_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_offer_booking")
        return [SlotSet("booking_offered", True)]


class ActionFaqFollowup(Action):
    """After some FAQ answers (cost, eligibility...), offer booking once per conversation."""

    def name(self) -> Text:
        return "action_faq_followup"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("booking_offered") or tracker.active_loop_name:
            return []
        if _faq_topic(tracker) not in BOOKING_TOPICS:
            return []
        dispatcher.utter_message(response="utter_offer_booking_after_faq")
        return [SlotSet("booking_offered", True)]


def _faq_topic(tracker: Tracker) -> Optional[Text]:
    if (tracker.latest_message.get("intent") or {}).get("name") == "choose_faq":
        topic = tracker.get_slot("faq_topic")
        return f"faq/{topic}" if topic else None
    selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    return (selector.get("response") or {}).get("intent_response_key")


class ValidateCallbackForm(FormValidationAction):
    """Checks and normalises each answer of the call-back form."""

    def name(self) -> Text:
        return "validate_callback_form"

    def validate_callback_first_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        name = parsing.parse_first_name(value if isinstance(value, str) else "")
        if name:
            return {"callback_first_name": name, "callback_failures": 0.0}
        return self._reject("callback_first_name", tracker, dispatcher)

    def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        contact = parsing.parse_contact(value if isinstance(value, str) else "")
        if contact:
            return {
                "callback_contact": contact.value,
                "callback_contact_method": contact.method,
                # What the visitor is shown, in the same format in every message of the form.
                "callback_contact_display": _display(contact.method, contact.value),
                "callback_failures": 0.0,
            }
        return self._reject("callback_contact", tracker, dispatcher)

    def validate_callback_times(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        times = parsing.parse_preferred_times(value if isinstance(value, str) else "")
        if times and parsing.outside_opening_hours(times, load_clinic().opening_hours):
            return self._reject(
                "callback_times",
                tracker,
                dispatcher,
                "utter_callback_times_outside_hours",
                preferred_times=times,
            )
        if times:
            return {
                "callback_times": times,
                "callback_times_hint": parsing.parse_times_hint(times),
                "callback_failures": 0.0,
            }
        return self._reject(
            "callback_times", tracker, dispatcher, max_length=parsing.MAX_TIMES_LENGTH
        )

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        consent = parsing.parse_yes_no(
            value if isinstance(value, str) else "",
            (tracker.latest_message.get("intent") or {}).get("name"),
        )
        if consent is not None:
            return {"callback_consent": consent, "callback_failures": 0.0}
        return self._reject("callback_consent", tracker, dispatcher)

    @staticmethod
    def _reject(
        slot: Text,
        tracker: Tracker,
        dispatcher: CollectingDispatcher,
        response: Optional[Text] = None,
        **values: Any,
    ) -> Dict[Text, Any]:
        """Say why `slot`'s answer was not taken (`response`, by default utter_invalid_<slot>);
        after MAX_FAILURES in a row also offer the phone and a way out."""
        failures = int(tracker.get_slot("callback_failures") or 0) + 1
        dispatcher.utter_message(response=response or f"utter_invalid_{slot}", **values)
        if failures >= MAX_FAILURES:
            dispatcher.utter_message(response="utter_callback_offer_phone")
        return {slot: None, "callback_failures": float(failures)}


def _display(method: Text, contact: Text) -> Text:
    return parsing.format_phone_for_display(contact) if method == "phone" else contact


def clear_form_slots() -> List[EventType]:
    """Forget every answer of the call-back form, derived values included."""
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, *DERIVED_SLOTS)]


class ActionSubmitCallback(Action):
    """Save a confirmed call-back request and give its reference code."""

    def name(self) -> Text:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        if tracker.get_slot("callback_consent") is not True:
            dispatcher.utter_message(response="utter_callback_no_consent")
            return clear_form_slots()
        request = BookingRequest(
            first_name=tracker.get_slot("callback_first_name"),
            contact_method=tracker.get_slot("callback_contact_method"),
            contact=tracker.get_slot("callback_contact"),
            preferred_times=tracker.get_slot("callback_times"),
            preferred_times_hint=tracker.get_slot("callback_times_hint"),
            consent=True,
            conversation_id=tracker.sender_id,
            idempotency_key=idempotency_key(tracker),
        )
        try:
            reference = get_storage().save_booking(request)
        except StorageError as error:
            logger.error("Booking request of %s not saved: %s", tracker.sender_id, error)
            metrics.BOOKING_WRITE_FAILURES.inc()
            dispatcher.utter_message(response="utter_callback_not_saved")
            return []  # keep the form's answers so a later request can retry the save
        metrics.BOOKINGS_SAVED.inc()
        dispatcher.utter_message(
            response=f"utter_callback_saved_{request.contact_method}",
            first_name=request.first_name,
            reference=reference,
            contact=_display(request.contact_method, request.contact),
            preferred_times=request.preferred_times,
        )
        return [*clear_form_slots(), SlotSet("booking_reference", reference)]


def idempotency_key(tracker: Tracker) -> str:
    """Conversation id + this run of the call-back form (when the form was started).

    Saving twice under one key is refused by a unique constraint, so a confirmation that
    reaches the action server again (Rasa died after the save, the visitor repeats "yes",
    the widget's "Send again") returns the first request's reference instead of a second
    request. A new run of the form (the visitor asks again later) gets a new key.
    """
    started = next(
        (
            event.get("timestamp")
            for event in reversed(tracker.events)
            if event.get("event") == "active_loop" and event.get("name") == FORM_NAME
        ),
        None,
    )
    return f"{tracker.sender_id}:{FORM_NAME}:{started or 'no-form'}"


class ActionCancelCallback(Action):
    """The visitor stopped the form: forget what was typed and say so."""

    def name(self) -> Text:
        return "action_cancel_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        dispatcher.utter_message(response="utter_callback_cancelled")
        return clear_form_slots()
