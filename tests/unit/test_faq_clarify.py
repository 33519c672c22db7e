"""The FAQ confidence gate and the "Did you mean" actions, on hand-made NLU results."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerChosenFaq, ActionClarifyFaq, likeliest_topics
from clinic_rasa.nlu.faq_gate import FaqConfidenceGate
from tests.unit.trackers import load_domain, make_tracker, render

GATE = FaqConfidenceGate({"min_confidence": 0.5, "min_margin": 0.1})


def selector(*ranking):
    return {
        "faq": {
            "response": {"intent_response_key": ranking[0][0], "confidence": ranking[0][1]},
            "ranking": [{"intent_response_key": k, "confidence": c} for k, c in ranking],
        }
    }


def parsed(text, intent, *ranking):
    return Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "intent_ranking": [{"name": intent, "confidence": 0.9}],
            "response_selector": selector(*ranking),
        }
    )


@pytest.mark.parametrize(
    "ranking,unsure",
    [
        ((("faq/cost", 0.93), ("faq/insurance", 0.04)), False),
        ((("faq/cost", 0.41), ("faq/insurance", 0.30)), True),  # too unsure
        ((("faq/cost", 0.52), ("faq/insurance", 0.46)), True),  # two topics too close
    ],
)
def test_the_gate_clarifies_only_an_unsure_topic(ranking, unsure):
    message = parsed("how much is it with my plan", "faq", *ranking)
    GATE.process([message])
    assert (message.get("intent")["name"] == "faq_clarify") is unsure


def test_the_gate_leaves_other_intents_and_buttons_alone():
    greeting = parsed("hello", "greet", ("faq/cost", 0.2), ("faq/insurance", 0.19))
    button = parsed("/faq", "faq", ("faq/cost", 0.2), ("faq/insurance", 0.19))
    GATE.process([greeting, button])
    assert greeting.get("intent")["name"] == "greet" and button.get("intent")["name"] == "faq"


def test_clarification_offers_the_likeliest_topics_by_title_and_something_else():
    latest = {
        "intent": {"name": "faq_clarify"},
        "response_selector": selector(
            ("faq/cost", 0.41),
            ("faq/insurance", 0.30),
            ("faq/financing", 0.2),
            ("faq/hsa_fsa", 0.01),
        ),
    }
    assert likeliest_topics(latest) == ["cost", "insurance", "financing"]
    tracker = make_tracker(intent="faq_clarify")
    tracker.latest_message.update(latest)
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionClarifyFaq().run(dispatcher, tracker, load_domain()))
    [shown] = render(dispatcher.messages)
    titles = [b["title"] for b in shown["buttons"]]
    assert titles[-1] == "Something else" and len(titles) == 4
    payload = shown["buttons"][0]["payload"]
    assert payload.startswith("/choose_faq") and json.loads(payload[len("/choose_faq") :]) == {
        "faq_topic": "cost"
    }
    assert "Did you mean" in shown["text"]


def test_a_chosen_topic_gets_its_answer_and_an_unknown_one_a_rephrase():
    domain = {
        **load_domain(),
        "responses": {**load_domain()["responses"], "utter_faq/cost": [{"text": "x"}]},
    }
    for topic, expected in (("cost", "utter_faq/cost"), ("no_such_topic", "utter_ask_rephrase")):
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(slots={"faq_topic": topic}, intent="choose_faq")
        asyncio.run(ActionAnswerChosenFaq().run(dispatcher, tracker, domain))
        assert dispatcher.messages[0]["response"] == expected
