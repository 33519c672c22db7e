"""The answer text filter (clinic_rasa/nlu/answer_text_filter.py): answers leave the examples,
nothing else changes."""

from __future__ import annotations

from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_rasa.nlu.answer_text_filter import AnswerTextFilter

ANSWER = "It depends on the plan; please call us to ask."


def training_data() -> TrainingData:
    examples = [
        Message(data={TEXT: "how much is it", INTENT: "faq", INTENT_RESPONSE_KEY: "faq/cost"}),
        Message(data={TEXT: "hello", INTENT: "greet"}),
    ]
    return TrainingData(
        training_examples=examples, responses={"utter_faq/cost": [{"text": ANSWER}]}
    )


def answer_filter() -> AnswerTextFilter:
    return AnswerTextFilter.create(
        {}, None, Resource("filter"), ExecutionContext(node_name="filter", graph_schema=None)
    )


def test_rasa_copies_the_answer_onto_faq_examples():
    """The precondition the filter exists for."""
    assert training_data().training_examples[0].get(RESPONSE) == ANSWER


def test_answers_are_removed_and_phrasings_labels_and_responses_kept():
    filtered = answer_filter().process_training_data(training_data())
    faq, greet = filtered.training_examples
    assert faq.get(RESPONSE) is None
    assert (faq.get(TEXT), faq.get(INTENT), faq.get(INTENT_RESPONSE_KEY)) == (
        "how much is it",
        "faq",
        "faq/cost",
    )
    assert (greet.get(TEXT), greet.get(INTENT)) == ("hello", "greet")
    assert filtered.responses == {"utter_faq/cost": [{"text": ANSWER}]}


def test_messages_at_inference_pass_unchanged():
    message = Message(data={TEXT: "how much is it"})
    assert answer_filter().process([message]) == [message]
    assert message.data == {TEXT: "how much is it"}
