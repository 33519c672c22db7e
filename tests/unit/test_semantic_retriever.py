"""The semantic retriever (clinic_rasa/nlu/semantic_retriever.py) with the real encoder.

Trained on a handful of phrasings into a real model storage and loaded back, as Rasa does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_core.contract import DETECTION_KEY
from clinic_rasa.nlu.semantic_retriever import SemanticRetriever

PHRASINGS = {
    "faq/cost": [
        "how much does an infusion cost",
        "what is the price of treatment",
        "is ketamine treatment expensive",
    ],
    "faq/driving_after": ["can I drive home after the infusion", "is it safe to drive afterwards"],
    "greet": ["hello", "hi there"],
    "out_of_scope": ["what is the weather tomorrow", "tell me a joke"],
    "inform": ["my name is Dana", "555 0147"],
    "crisis": ["I want to end my life"],
}


def training_data() -> TrainingData:
    examples = []
    for label, texts in PHRASINGS.items():
        intent, _, topic = label.partition("/")
        for text in texts:
            data = {TEXT: text, INTENT: intent}
            if topic:
                data[INTENT_RESPONSE_KEY] = label
            examples.append(Message(data=data))
    responses = {
        "utter_faq/cost": [{"text": "It depends on the plan."}],
        "utter_faq/driving_after": [{"text": "No, not until the next day."}],
    }
    return TrainingData(training_examples=examples, responses=responses)


def trained(folder: Path, name: str, **settings) -> SemanticRetriever:
    """A retriever trained on `training_data()` into a real model storage and loaded back."""
    storage, resource = LocalModelStorage(folder), Resource(name)
    context = ExecutionContext(node_name=name, graph_schema=None)
    config = {**SemanticRetriever.get_default_config(), **settings}
    SemanticRetriever.create(config, storage, resource, context).train(training_data())
    return SemanticRetriever.load(config, storage, resource, context)


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> SemanticRetriever:
    return trained(Path(tmp_path_factory.mktemp("storage")), "semantic_retriever")


def parsed(text: str, intent: str = "faq", detection: Optional[dict] = None) -> Message:
    data = {
        TEXT: text,
        INTENT: {"name": intent, "confidence": 1.0},
        "intent_ranking": [{"name": intent, "confidence": 1.0}],
    }
    if detection:
        data[DETECTION_KEY] = detection
    return Message(data=data)


def selected(message: Message) -> dict:
    return message.get("response_selector")["faq"]


def test_a_question_in_other_words_gets_the_nearest_topic_as_rasa_s_selector_output(retriever):
    message = parsed("what will I have to pay for ketamine", intent="greet")
    retriever.process([message])
    assert message.get(INTENT)["name"] == "faq"
    assert message.get("response_selector")["all_retrieval_intents"] == ["faq"]
    response = selected(message)["response"]
    assert response["intent_response_key"] == "faq/cost"
    assert response["utter_action"] == "utter_faq/cost"
    assert response["responses"] == [{"text": "It depends on the plan."}]
    ranking = [r["intent_response_key"] for r in selected(message)["ranking"]]
    assert ranking == ["faq/cost", "faq/driving_after"]
    assert 0.0 < message.get(INTENT)["confidence"] == response["confidence"] <= 1.0


def test_question_intents_come_from_the_nearest_phrasing(retriever):
    greeting, weather = parsed("hey hello", intent="faq"), parsed("will it rain tomorrow")
    retriever.process([greeting, weather])
    assert greeting.get(INTENT)["name"] == "greet"
    assert weather.get(INTENT)["name"] == "out_of_scope"
    assert greeting.get("intent_ranking")[0]["name"] == "greet"


def test_form_answers_and_crisis_decisions_are_left_to_the_classifier_and_guard(retriever):
    answer = parsed("how much does an infusion cost", intent="inform")
    crisis = parsed(
        "how much does an infusion cost, I want to die",
        intent="crisis",
        detection={"grade": "risk", "layer": "risk_model"},
    )
    retriever.process([answer, crisis])
    assert answer.get(INTENT)["name"] == "inform"
    assert crisis.get(INTENT)["name"] == "crisis"
    assert selected(answer)["response"]["intent_response_key"] == "faq/cost"


def test_a_form_answer_the_fallback_classifier_was_unsure_of_stays_declined(retriever):
    message = parsed("Dana", intent="nlu_fallback")
    message.set("intent_ranking", [{"name": "nlu_fallback"}, {"name": "inform"}])
    retriever.process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_crisis_phrasings_are_not_in_the_index(retriever):
    assert "crisis" not in retriever.labels and "inform" not in retriever.labels
    assert len(retriever.labels) == retriever.vectors.shape[0] == 9


def test_buttons_and_empty_text_are_left_alone(retriever):
    button, empty = parsed('/choose_faq{"faq_topic": "cost"}', "choose_faq"), parsed("  ")
    retriever.process([button, empty])
    assert button.get(INTENT)["name"] == "choose_faq" and button.get("response_selector") is None
    assert empty.get("response_selector") is None


def test_a_message_like_nothing_trained_is_declined(tmp_path):
    strict = trained(tmp_path, "strict", min_similarity=0.99)
    message = parsed("qwzx vvbn plmk")
    strict.process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_a_label_s_score_blends_its_best_phrasing_by_meaning_and_by_words(retriever):
    """score = (1 - w) x best encoder cosine + w x best TF-IDF cosine among the label's phrasings."""
    from clinic_core.encoder import get_encoder

    text = "how much is ketamine"
    weight = retriever.config["lexical_weight"]
    assert 0.0 < weight < 1.0
    meaning = retriever.vectors @ get_encoder().encode([text])[0]
    words = retriever.lexical.similarities(text)
    scores = dict(retriever.rank(text))
    for label in set(retriever.labels):
        rows = [i for i, name in enumerate(retriever.labels) if name == label]
        expected = (1.0 - weight) * meaning[rows].max() + weight * words[rows].max()
        assert scores[label] == pytest.approx(float(expected), abs=1e-6)
    assert retriever.lexical.size == len(retriever.labels)


def test_with_no_lexical_weight_the_score_is_the_encoder_similarity(tmp_path):
    from clinic_core.encoder import get_encoder

    meaning_only = trained(tmp_path, "meaning_only", lexical_weight=0.0)
    text = "what will I have to pay"
    meaning = meaning_only.vectors @ get_encoder().encode([text])[0]
    rows = [i for i, label in enumerate(meaning_only.labels) if label == "faq/cost"]
    assert dict(meaning_only.rank(text))["faq/cost"] == pytest.approx(float(meaning[rows].max()))


def test_with_neighbours_a_label_s_score_also_counts_its_next_best_phrasings(tmp_path):
    """(1 - v) x best + v x mean of the next (neighbours - 1), over the phrasings a label has."""
    from clinic_core.encoder import get_encoder

    voting = trained(tmp_path, "voting", lexical_weight=0.0, neighbours=3, neighbour_weight=0.3)
    text = "what will I have to pay"
    meaning = voting.vectors @ get_encoder().encode([text])[0]
    scores = dict(voting.rank(text))
    for label in set(voting.labels):
        ranked = sorted(
            (meaning[i] for i, name in enumerate(voting.labels) if name == label), reverse=True
        )
        expected = 0.7 * ranked[0] + 0.3 * np.mean(ranked[1:3])  # faq/cost 3, the others 2
        assert scores[label] == pytest.approx(float(expected), abs=1e-6)


def test_with_a_classifier_weight_the_score_mixes_in_its_probability(tmp_path):
    """(1 - c) x the nearest-phrasing score + c x the logistic regression's probability, stored
    with the model; the probabilities are a softmax over the labels and sum to one."""
    from clinic_core.encoder import get_encoder

    plain = trained(tmp_path, "plain", lexical_weight=0.0)
    mixed = trained(tmp_path, "mixed", lexical_weight=0.0, classifier_weight=0.3)
    assert plain.classifier is None and mixed.classifier is not None
    text = "what will I have to pay"
    probabilities = mixed._probabilities(get_encoder().encode([text])[0])
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert mixed._label_names[int(probabilities.argmax())] == "faq/cost"
    nearest, scores = dict(plain.rank(text)), dict(mixed.rank(text))
    for j, label in enumerate(mixed._label_names):
        expected = 0.7 * nearest[label] + 0.3 * probabilities[j]
        assert scores[label] == pytest.approx(float(expected), abs=1e-5)


def test_the_classifier_does_not_decide_what_is_too_far_to_answer(tmp_path):
    """min_similarity declines on the nearest-phrasing score, which the classifier's confident
    probability cannot lift: a message far from every phrasing is still declined."""
    mixed = trained(tmp_path, "far", classifier_weight=0.9, classifier_c=100.0, min_similarity=0.5)
    text = "how much does it cost to fly to paris"
    ranking, nearest = mixed.rank_with_nearest(text)
    assert ranking[0][1] >= 0.5 > nearest  # the mixed score alone would have answered faq/cost
    message = Message(data={TEXT: text})
    mixed.process([message])
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_with_two_labels_the_classifier_still_gives_each_label_its_probability(tmp_path):
    """scikit-learn keeps one row of weights for two classes; the softmax needs one per label."""
    context = ExecutionContext(node_name="two", graph_schema=None)
    config = {**SemanticRetriever.get_default_config(), "classifier_weight": 0.3}
    retriever = SemanticRetriever.create(
        config, LocalModelStorage(tmp_path), Resource("two"), context
    )
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]], dtype=np.float32)
    retriever.classifier = retriever._fit_classifier(vectors, ["faq/a", "faq/a", "faq/b", "faq/b"])
    retriever._label_names = ["faq/a", "faq/b"]
    probabilities = retriever._probabilities(np.array([0.0, 1.0], dtype=np.float32))
    assert probabilities.shape == (2,)
    assert probabilities.sum() == pytest.approx(1.0)
    assert probabilities[1] > 0.5 > probabilities[0]
