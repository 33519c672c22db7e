"""Clarifying an unsure FAQ question: "Did you mean..." with the likeliest topics as buttons."""

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from clinic_core import faq_catalog
from clinic_core.contract import CHOOSE_FAQ_INTENT, FAQ_INTENT, FAQ_TOPIC_SLOT

MAX_CHOICES = 3
MIN_CHOICE_CONFIDENCE = 0.05  # a topic less likely than this is not worth a button


def likeliest_topics(latest_message: Dict[Text, Any], limit: int = MAX_CHOICES) -> List[Text]:
    """The ResponseSelector's top FAQ topics for the message, best first."""
    selector = (latest_message.get("response_selector") or {}).get(FAQ_INTENT) or {}
    topics: List[Text] = []
    for entry in selector.get("ranking") or []:
        key = str(entry.get("intent_response_key") or "")
        confidence = float(entry.get("confidence") or 0.0)
        if key.startswith("faq/") and (not topics or confidence >= MIN_CHOICE_CONFIDENCE):
            topics.append(key[4:])
        if len(topics) == limit:
            break
    return topics


def choice_button(topic: Text) -> Dict[Text, Text]:
    return {
        "title": faq_catalog.title_of(topic),
        "payload": f"/{CHOOSE_FAQ_INTENT}" + json.dumps({FAQ_TOPIC_SLOT: topic}),
    }


class ActionClarifyFaq(Action):
    """Offer the two or three likeliest topics, and "Something else" (from the domain)."""

    def name(self) -> Text:
        return "action_clarify_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        topics = likeliest_topics(tracker.latest_message)
        if not topics:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        choices: Dict[Text, Text] = {}
        for number, topic in enumerate(topics, start=1):
            button = choice_button(topic)
            choices[f"choice_{number}"] = button["title"]
            choices[f"choice_{number}_payload"] = button["payload"]
        dispatcher.utter_message(response=f"utter_did_you_mean_{len(topics)}", **choices)
        return []


class ActionAnswerChosenFaq(Action):
    """A "Did you mean" button was clicked: answer that topic."""

    def name(self) -> Text:
        return "action_answer_chosen_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        topic: Optional[Text] = tracker.get_slot(FAQ_TOPIC_SLOT)
        response = f"utter_faq/{topic}"
        if not topic or response not in (domain.get("responses") or {}):
            dispatcher.utter_message(response="utter_ask_rephrase")
            return [SlotSet(FAQ_TOPIC_SLOT, None)]
        dispatcher.utter_message(response=response)
        return []
