"""Conversation start: copy the clinic's details into slots for the responses."""

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from clinic_core.settings import load_clinic


class ActionSessionStart(Action):
    """Start a session like Rasa's default, then set the clinic slots.

    Responses say `{clinic_phone}`, `{booking_url}` and so on; reading them
    from clinic.yml at every session start means staff change a detail in one
    place and new conversations use it without retraining.
    """

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[Text, Any],
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        events.extend(_carried_over_slots(tracker, domain))
        events.extend(SlotSet(name, value) for name, value in load_clinic().as_slots().items())
        events.append(ActionExecuted("action_listen"))
        return events


def _carried_over_slots(tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
    if not domain.get("session_config", {}).get("carry_over_slots_to_new_session", True):
        return []
    return [
        SlotSet(name, value)
        for name, value in tracker.current_slot_values().items()
        if value is not None
    ]
