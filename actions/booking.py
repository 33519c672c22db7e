"""From a question to a consultation: booking offers and the call-back request form."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import parsing
from actions.settings import ClinicInfo, load_clinic
from actions.storage import BookingRequest, StorageError, get_storage

logger = logging.getLogger(__name__)

FORM_NAME = "callback_form"
FORM_SLOTS = ("callback_first_name", "callback_contact", "callback_times", "callback_consent")
DERIVED_SLOTS = ("callback_contact_method", "callback_times_hint", "callback_failures")
MAX_FAILURES = 3
# FAQ topics after which a visitor is offered booking (once per conversation).
BOOKING_TOPICS = frozenset({
    "faq/candidates", "faq/eligibility_conditions", "faq/cost", "faq/insurance",
    "faq/getting_started", "faq/medication_changes", "faq/dosing",
})


def booking_buttons(clinic: ClinicInfo) -> List[Dict[Text, Text]]:
    """Quick replies for booking; link payloads are opened by the web chat."""
    return [
        {"title": "Book online", "payload": clinic.booking_url},
        {"title": "Request a call back", "payload": "/request_callback"},
        {"title": "Call us", "payload": f"tel:{_dialable(clinic.phone)}"},
    ]


def _dialable(phone: Text) -> Text:
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def offer_booking(dispatcher: CollectingDispatcher, clinic: ClinicInfo, lead: Text) -> None:
    dispatcher.utter_message(
        text=(
            f"{lead} You can book online at {clinic.booking_url}, ask us to call you back, "
            f"or call {clinic.phone} ({clinic.hours})."
        ),
        buttons=booking_buttons(clinic),
    )


class ActionOfferBooking(Action):
    """Give the booking link, call-back option and phone from the clinic settings."""

    def name(self) -> Text:
        return "action_offer_booking"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        offer_booking(
            dispatcher, load_clinic(),
            "The first step is a consultation, where a clinician reviews your history and "
            "answers your questions.",
        )
        return [SlotSet("booking_offered", True)]


class ActionFaqFollowup(Action):
    """After some FAQ answers (cost, eligibility...), offer booking once per conversation."""

    def name(self) -> Text:
        return "action_faq_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("booking_offered") or tracker.active_loop_name:
            return []
        if _faq_topic(tracker) not in BOOKING_TOPICS:
            return []
        offer_booking(dispatcher, load_clinic(),
                      "A clinician can answer this for your situation at a consultation.")
        return [SlotSet("booking_offered", True)]


def _faq_topic(tracker: Tracker) -> Optional[Text]:
    selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    return (selector.get("response") or {}).get("intent_response_key")


class ValidateCallbackForm(FormValidationAction):
    """Checks and normalises each answer of the call-back form."""

    def name(self) -> Text:
        return "validate_callback_form"

    def validate_callback_first_name(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        name = parsing.parse_first_name(value if isinstance(value, str) else "")
        if name:
            return {"callback_first_name": name, "callback_failures": 0.0}
        return self._reject(
            "callback_first_name", tracker, dispatcher,
            "Sorry, I couldn't read that as a first name. What first name should we ask for? "
            "(Letters only, please.)",
        )

    def validate_callback_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact = parsing.parse_contact(value if isinstance(value, str) else "")
        if contact:
            return {"callback_contact": contact.value, "callback_contact_method": contact.method,
                    "callback_failures": 0.0}
        return self._reject(
            "callback_contact", tracker, dispatcher,
            "That doesn't look like a phone number or email address I can use. Please type a "
            "phone number with its area code (e.g. 212 555 0100, or +44 20 7946 0958 from "
            "abroad) or an email address.",
        )

    def validate_callback_times(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        times = parsing.parse_preferred_times(value if isinstance(value, str) else "")
        if times:
            return {"callback_times": times, "callback_times_hint": parsing.parse_times_hint(times),
                    "callback_failures": 0.0}
        return self._reject(
            "callback_times", tracker, dispatcher,
            f"Please tell me in a few words when suits you (up to {parsing.MAX_TIMES_LENGTH} "
            "characters), for example \"weekday mornings\" or \"Tuesday after 3pm\".",
        )

    def validate_callback_consent(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        consent = parsing.parse_yes_no(
            value if isinstance(value, str) else "",
            (tracker.latest_message.get("intent") or {}).get("name"),
        )
        if consent is not None:
            return {"callback_consent": consent, "callback_failures": 0.0}
        return self._reject("callback_consent", tracker, dispatcher,
                            "Please answer yes or no: may our staff contact you?")

    @staticmethod
    def _reject(slot: Text, tracker: Tracker, dispatcher: CollectingDispatcher,
                message: Text) -> Dict[Text, Any]:
        failures = int(tracker.get_slot("callback_failures") or 0) + 1
        dispatcher.utter_message(text=message)
        if failures >= MAX_FAILURES:
            clinic = load_clinic()
            dispatcher.utter_message(
                text=(f"If it's easier, you can call us at {clinic.phone} ({clinic.hours}) "
                      "instead, or say \"cancel\" to stop."),
                buttons=[{"title": "Call us", "payload": f"tel:{_dialable(clinic.phone)}"},
                         {"title": "Cancel", "payload": "/stop"}],
            )
        return {slot: None, "callback_failures": float(failures)}


def clear_form_slots() -> List[EventType]:
    """Forget every answer of the call-back form, derived values included."""
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, *DERIVED_SLOTS)]


class ActionSubmitCallback(Action):
    """Save a confirmed call-back request and give its reference code."""

    def name(self) -> Text:
        return "action_submit_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        clinic = load_clinic()
        if tracker.get_slot("callback_consent") is not True:
            dispatcher.utter_message(
                text=("No problem: without your consent we won't contact you, and nothing was "
                      f"saved. You can call us at {clinic.phone} or book online at "
                      f"{clinic.booking_url} whenever you like."))
            return clear_form_slots()
        request = BookingRequest(
            first_name=tracker.get_slot("callback_first_name"),
            contact_method=tracker.get_slot("callback_contact_method"),
            contact=tracker.get_slot("callback_contact"),
            preferred_times=tracker.get_slot("callback_times"),
            preferred_times_hint=tracker.get_slot("callback_times_hint"),
            consent=True,
            conversation_id=tracker.sender_id,
        )
        try:
            reference = get_storage().save_booking(request)
        except StorageError as error:
            logger.error("Booking request of %s not saved: %s", tracker.sender_id, error)
            dispatcher.utter_message(
                text=("Sorry, I couldn't save your request because of a technical problem, so "
                      f"it has NOT been sent. Please call us at {clinic.phone} ({clinic.hours}). "
                      "I've kept your answers: ask for a call back again later and you'll only "
                      "need to confirm."))
            return []  # keep the form's answers so a later request can retry the save
        how = ("call you at " + parsing.format_phone_for_display(request.contact)
               if request.contact_method == "phone" else "email you at " + request.contact)
        dispatcher.utter_message(
            text=(f"Thank you, {request.first_name}. Your request is saved with reference "
                  f"{reference}. Our team will {how} ({request.preferred_times}) during office "
                  f"hours. For anything urgent, call {clinic.phone}."))
        return [*clear_form_slots(), SlotSet("booking_reference", reference)]


class ActionCancelCallback(Action):
    """The visitor stopped the form: forget what was typed and say so."""

    def name(self) -> Text:
        return "action_cancel_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        clinic = load_clinic()
        dispatcher.utter_message(
            text=("Okay, I've stopped and nothing was saved. You can still book online at "
                  f"{clinic.booking_url} or call {clinic.phone}. Anything else I can help with?"))
        return clear_form_slots()
