"""After the crisis resources: stop any form, flag the conversation for staff."""

import asyncio
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import clear_form_slots
from clinic_core import metrics
from clinic_core.contract import (
    CRISIS_FLAGGED_SLOT,
    CRISIS_FOLLOWUP_RESPONSE,
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


class ActionFlagCrisis(Action):
    """Record a staff-review flag, reset the call-back form, offer a staff call-back.

    Runs after `utter_crisis`, so the resources reach the visitor even when
    this action server is down.
    """

    def name(self) -> Text:
        return FLAG_CRISIS_ACTION

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        layer = (tracker.latest_message.get(DETECTION_KEY) or {}).get("layer", "model")
        await write_flag(tracker.sender_id, layer)
        dispatcher.utter_message(response=CRISIS_FOLLOWUP_RESPONSE)
        events: List[EventType] = [SlotSet(CRISIS_FLAGGED_SLOT, True)]
        if tracker.active_loop_name:
            events.append(ActiveLoop(None))
        events.extend([SlotSet("requested_slot", None), *clear_form_slots()])
        return events
