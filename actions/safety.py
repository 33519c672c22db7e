"""After crisis resources: flag the conversation for staff; the check-in question and its answer.

The resources themselves are domain responses the Rasa server sends before any of these run,
so they reach the visitor even when this action server is down (docs/guides/crisis-protocol.md).
"""

import asyncio
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import clear_form_slots
from clinic_core import metrics, parsing
from clinic_core.contract import (
    AFTER_CHECK_IN_ACTION,
    CHECK_IN_ANSWER_SLOT,
    CRISIS_CHECK_INTENT,
    CRISIS_FLAGGED_SLOT,
    CRISIS_FOLLOWUP_RESPONSE,
    CRISIS_RESPONSE,
    DETECTION_KEY,
    FLAG_CRISIS_ACTION,
)
from clinic_core.storage import StorageError, get_storage

logger = logging.getLogger(__name__)

# Seconds to wait before each new attempt to write the flag (a locked or restarting database).
RETRY_DELAYS_S = (0.2, 0.5, 1.0, 2.0)


async def write_flag(conversation_id: str, layer: str) -> bool:
    """Write the staff-review flag, retrying; False if every attempt failed.

    A flag that cannot be written is not lost: the conversation's crisis turn is in the
    tracker store (utter_crisis), which `./staff flags` reads too and marks as missing from
    the clinic database; the failure is logged as an error and counted for alerting
    (clinic_crisis_flag_write_failures_total).
    """
    for attempt, delay in enumerate((0.0, *RETRY_DELAYS_S), start=1):
        if delay:
            await asyncio.sleep(delay)
        try:
            if get_storage().flag_conversation(conversation_id, layer):
                metrics.CRISIS_FLAGS.inc()
            return True
        except StorageError as error:
            logger.warning(
                "Crisis flag for %s, attempt %d failed: %s", conversation_id, attempt, error
            )
    metrics.CRISIS_FLAG_WRITE_FAILURES.inc()
    logger.error(
        "CRISIS FLAG NOT WRITTEN for %s after %d attempts: the clinic database (CLINIC_DB_URL) "
        "cannot be written. The conversation is kept in the tracker store and `./staff flags` "
        "lists it; fix the database.",
        conversation_id,
        len(RETRY_DELAYS_S) + 1,
    )
    return False


def detector_of(message: Dict[Text, Any]) -> Text:
    """What found the crisis, as recorded in the flag: layer and grade, e.g. 'risk_model:imminent'."""
    detection = message.get(DETECTION_KEY) or {}
    return f"{detection.get('layer', 'model')}:{detection.get('grade', 'risk')}"


async def flag_for_staff(
    tracker: Tracker, dispatcher: CollectingDispatcher, detector: Text
) -> List[EventType]:
    """Record a staff-review flag (with retries), offer a call-back, reset any form."""
    await write_flag(tracker.sender_id, detector)
    dispatcher.utter_message(response=CRISIS_FOLLOWUP_RESPONSE)
    events: List[EventType] = [SlotSet(CRISIS_FLAGGED_SLOT, True)]
    if tracker.active_loop_name:
        events.append(ActiveLoop(None))
    events.extend([SlotSet("requested_slot", None), *clear_form_slots()])
    return events


class ActionFlagCrisis(Action):
    """Record a staff-review flag, reset the call-back form, offer a staff call-back."""

    def name(self) -> Text:
        return FLAG_CRISIS_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return await flag_for_staff(tracker, dispatcher, detector_of(tracker.latest_message))


class ValidateCrisisCheckForm(FormValidationAction):
    """Reads the answer to "are you thinking about suicide or hurting yourself?"."""

    def name(self) -> Text:
        return "validate_crisis_check_form"

    def validate_crisis_check_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return {
            CHECK_IN_ANSWER_SLOT: check_in_answer(value if isinstance(value, str) else "", intent)
        }


# Only a clear "no" answers the check-in with no: "i don't know" or "not really sure" is unclear,
# and anything unclear gets the crisis response.
_CLEAR_NO = re.compile(
    r"^\s*(no+|nope|nah|not at all|no way|i'?m not|i am not|i'?m (fine|ok|okay|safe)|"
    r"no,? (i'?m|i am|gracias|estoy)\b.*|no,? thanks?)\b",
    re.IGNORECASE,
)
_UNSURE = re.compile(r"\b(know|sure|maybe|idk|kind of|sort of|sometimes|sé|se|quizás?)\b", re.I)


def check_in_answer(text: str, intent: Optional[Text]) -> Text:
    """yes, no or unclear."""
    if intent == "affirm" or parsing.parse_yes_no(text) is True and not _UNSURE.search(text):
        return "yes"
    if intent == "deny" and not _UNSURE.search(text):
        return "no"
    if _CLEAR_NO.match(text) and not _UNSURE.search(text):
        return "no"
    return "unclear"


class ActionAfterCheckIn(Action):
    """Yes or unclear: crisis resources and a flag. No: the answer to what they asked."""

    def name(self) -> Text:
        return AFTER_CHECK_IN_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        answer = tracker.get_slot(CHECK_IN_ANSWER_SLOT)
        events: List[EventType] = [SlotSet(CHECK_IN_ANSWER_SLOT, None)]
        if answer != "no":
            dispatcher.utter_message(response=CRISIS_RESPONSE)
            return events + await flag_for_staff(
                tracker, dispatcher, f"check_in:{answer or 'unclear'}"
            )
        dispatcher.utter_message(response="utter_check_in_no")
        topic = _question_before_check_in(tracker)
        dispatcher.utter_message(response=f"utter_faq/{topic}" if topic else "utter_anything_else")
        return events


def _question_before_check_in(tracker: Tracker) -> Optional[Text]:
    """The FAQ topic the message that raised the check-in asked about, if it asked one."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        if (parse.get("intent") or {}).get("name") != CRISIS_CHECK_INTENT:
            continue
        others = [
            r
            for r in parse.get("intent_ranking") or []
            if not str(r.get("name", "")).startswith("crisis") and r.get("name") != "nlu_fallback"
        ]
        if not others or others[0].get("name") not in ("faq", "faq_clarify"):
            return None
        selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        key = selected.get("intent_response_key") or ""
        return key.split("/", 1)[1] if key.startswith("faq/") else None
    return None
