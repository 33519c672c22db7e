"""After the crisis resources: stop any form, flag the conversation for staff."""

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import clear_form_slots
from clinic_core.contract import (
    CRISIS_FLAGGED_SLOT,
    CRISIS_FOLLOWUP_RESPONSE,
    DETECTION_KEY,
    FLAG_CRISIS_ACTION,
)
from clinic_core.storage import StorageError, get_storage

logger = logging.getLogger(__name__)


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
        try:
            get_storage().flag_conversation(tracker.sender_id, layer)
        except StorageError as error:
            logger.error("Could not record the crisis flag for %s: %s", tracker.sender_id, error)
        dispatcher.utter_message(response=CRISIS_FOLLOWUP_RESPONSE)
        events: List[EventType] = [SlotSet(CRISIS_FLAGGED_SLOT, True)]
        if tracker.active_loop_name:
            events.append(ActiveLoop(None))
        events.extend([SlotSet("requested_slot", None), *clear_form_slots()])
        return events
