"""Semantic retriever: the FAQ topic (and question-like intent) of the nearest training phrasing.

Why: on the blind development visitor set (tests/nlu/visitors_dev.jsonl, 321 messages) the
ResponseSelector on word and character counts answered 49.5 % right and 29.3 % wrong, while a
nearest-neighbour match on the project's sentence encoder (all-MiniLM-L6-v2, clinic_core/encoder.py,
the one the risk model uses) answered 64.8 % right; with the "Did you mean" gate on its
similarities, 81.9 % right or rightly clarified and 17.1 % wrong (77.9 % and 21.5 % behind the
crisis guard's false alarms then; docs/reports/understanding.md).
Visitors' words are far from the training phrasings; sentence meaning bridges that, counts do not.
But the words still matter (drug names, typos, fragments): a label's score is 0.6 x the encoder
similarity of its nearest phrasing + 0.4 x the word and character TF-IDF similarity of its
lexically nearest phrasing (lexical_index.py). On the
pooled development visitor sets (831 messages) that blend, with the gate at 0.55 / 0.04, answered
71.9 % right and 6.1 % wrong against 65.8 % and 10.4 % for the encoder alone at 0.6 / 0.05.
One stray phrasing should not win a topic on its own, so each part also counts a label's next
best phrasings (`neighbours`: 0.7 x the best + 0.3 x the mean of the next two): on 1,351 pooled
development messages wrong answers fell from 10.4 % to 9.0 % with the gate at 0.5 / 0.06.
The nearest phrasing follows one example; a linear classifier weighs them all. The score mixes
in 0.3 x a logistic regression's probability on the same sentence vectors (`classifier_weight`,
scikit-learn, classes balanced, about 3 s of training): on 1,441 pooled development messages,
right 67.5 -> 71.0 %, wrong 10.5 -> 9.6 %, right or clarified 86.4 -> 87.1 % (gate 0.5 / 0.1).
Only the nearest-phrasing score decides what is too far from everything to answer.

What it does, per message (buttons, `/intent` payloads, are left alone):
- training: every NLU example whose label is not a `keep_intents` one (form answers such as
  `inform`, `affirm`; the crisis intents, decided by the crisis guard) is encoded; the vectors
  and labels (`faq/<topic>` for FAQ phrasings) are stored in the model. Nothing is learnt, so a
  retraining after adding one FAQ moves only the messages nearest to the new phrasings.
- processing: the score of a label is that blend of its best examples' similarities. The FAQ
  ranking always goes out as Rasa's ResponseSelector output (`response_selector.faq`: the
  response's `utter_action`, the ranking), which `utter_faq`, "Did you mean" and the
  unanswered report read. The intent becomes the best label, with its similarity as
  confidence, unless the classifier's intent is a `keep_intents` one or the message was marked
  by the crisis guard (this component runs after it and never undoes a crisis decision). Below
  `min_similarity` to everything the message is declined (`nlu_fallback`).

The "Did you mean" gate (faq_gate.py) reads the same ranking, so its thresholds are these scores.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RESPONSES_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
    RESPONSE_SELECTOR_UTTER_ACTION_KEY,
)
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.nlu.training_data.util import intent_response_key_to_template_key
from scipy.special import softmax

from clinic_core.contract import CRISIS_INTENTS, DETECTION_KEY, FAQ_INTENT
from clinic_core.encoder import get_encoder
from clinic_rasa.nlu.lexical_index import LexicalIndex

logger = logging.getLogger(__name__)

VECTORS_FILE = "vectors.npy"
LABELS_FILE = "labels.json"
CLASSIFIER_FILE = "classifier.npz"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SemanticRetriever(GraphComponent, IntentClassifier):
    """Nearest training phrasing by sentence meaning: the FAQ topic and question intents."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Answers to a form or a question of the bot's: the trained classifier decides these,
            # not the nearest phrasing. The crisis intents (CRISIS_INTENTS) are always kept: the
            # classifier and the crisis guard decide them.
            "keep_intents": ["inform", "affirm", "deny", "stop"],
            # Share of the word and character TF-IDF similarity (lexical_index.py) in a
            # phrasing's score; the sentence encoder's cosine similarity has the rest.
            "lexical_weight": 0.4,
            # A label's score also counts its next best phrasings: (1 - neighbour_weight) x its
            # best similarity + neighbour_weight x the mean of its next (neighbours - 1).
            "neighbours": 1,
            "neighbour_weight": 0.0,
            # Share of a linear classifier's probability (logistic regression on the same
            # sentence vectors) in a label's score; the nearest-phrasing blend has the rest.
            "classifier_weight": 0.0,
            "classifier_c": 10.0,
            # Below this score to every training phrasing the message is declined.
            "min_similarity": 0.3,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectors: Optional[np.ndarray] = None,
        labels: Optional[List[Text]] = None,
        responses: Optional[Dict[Text, List[Dict[Text, Any]]]] = None,
        lexical: Optional[LexicalIndex] = None,
        classifier: Optional[Tuple[np.ndarray, np.ndarray]] = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.vectors = vectors if vectors is not None else np.zeros((0, 0), dtype=np.float32)
        self.labels = labels or []
        self.responses = responses or {}
        self.lexical = lexical
        self.classifier = classifier  # (weights labels x dims, bias), rows in _label_names order
        self._keep = set(config["keep_intents"]) | set(CRISIS_INTENTS)
        self._label_names = sorted(set(self.labels))
        position = {label: index for index, label in enumerate(self._label_names)}
        label_index = np.array([position[label] for label in self.labels], dtype=np.int64)
        # Row j holds the positions of label j's phrasings, padded with len(labels), which
        # points at a -inf appended to the similarities: a label's k best are one gather and
        # k argmaxes (np.maximum.at took 0.5 ms per call).
        sizes = np.bincount(label_index, minlength=len(self._label_names))
        self._members = np.full(
            (len(self._label_names), int(sizes.max(initial=1))), len(self.labels)
        )
        by_label, starts = np.argsort(label_index, kind="stable"), np.cumsum(sizes) - sizes
        for j, (start, size) in enumerate(zip(starts, sizes)):
            self._members[j, :size] = by_label[start : start + size]
        self._k = max(1, min(int(config["neighbours"]), self._members.shape[1]))
        self._others = np.maximum(np.minimum(sizes, self._k) - 1, 0)  # next best ones per label

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SemanticRetriever":
        return cls(config, model_storage, resource)

    # Training -----------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        texts: List[Text] = []
        labels: List[Text] = []
        for example in training_data.intent_examples:
            label = example.get(INTENT_RESPONSE_KEY) or example.get(INTENT)
            text = example.get(TEXT)
            if not label or not text or example.get(INTENT) in self._keep:
                continue
            texts.append(text)
            labels.append(label)
        vectors = get_encoder().encode_batch(texts).astype(np.float32)
        lexical = LexicalIndex.fit(texts) if texts else None
        classifier = self._fit_classifier(vectors, labels)
        responses = {
            key: list(value) for key, value in training_data.responses.items() if "/" in key
        }
        with self._model_storage.write_to(self._resource) as folder:
            np.save(folder / VECTORS_FILE, vectors)
            if lexical is not None:
                lexical.save(folder)
            if classifier is not None:
                np.savez(folder / CLASSIFIER_FILE, weights=classifier[0], bias=classifier[1])
            (folder / LABELS_FILE).write_text(
                json.dumps({"labels": labels, "responses": responses}), encoding="utf-8"
            )
        logger.info(f"Semantic retriever indexed {len(labels)} phrasings")
        return self._resource

    def _fit_classifier(
        self, vectors: np.ndarray, labels: List[Text]
    ) -> Optional[Tuple[np.ndarray, np.ndarray]]:
        """Multinomial logistic regression on the sentence vectors (scikit-learn, about 3 s for
        5,000 phrasings on 2 cores): it weighs every phrasing of a topic, where the nearest
        phrasing follows one. None when `classifier_weight` is 0 or there is one label."""
        if self.config["classifier_weight"] <= 0 or len(set(labels)) < 2:
            return None
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(
            C=self.config["classifier_c"], class_weight="balanced", max_iter=3000
        )
        model.fit(vectors, labels)
        if list(model.classes_) != sorted(set(labels)):  # the rows must follow _label_names
            raise ValueError("the classifier's classes are not in _label_names order")
        weights, bias = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # one row, the second class's logit against the first's 0
            weights, bias = np.vstack([np.zeros_like(weights), weights]), np.r_[0.0, bias]
        return weights.astype(np.float32), bias.astype(np.float32)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SemanticRetriever":
        with model_storage.read_from(resource) as folder:
            vectors = np.load(folder / VECTORS_FILE)
            stored = json.loads((folder / LABELS_FILE).read_text(encoding="utf-8"))
            lexical = LexicalIndex.load(folder) if stored["labels"] else None
            classifier = None
            if (folder / CLASSIFIER_FILE).exists():
                with np.load(folder / CLASSIFIER_FILE) as saved:
                    classifier = saved["weights"], saved["bias"]
        get_encoder()  # load (and hash-check) the encoder with the model, not at the first message
        return cls(
            config,
            model_storage,
            resource,
            vectors,
            stored["labels"],
            stored["responses"],
            lexical,
            classifier,
        )

    # Processing ---------------------------------------------------------------------------

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip() or text.startswith("/") or not self.labels:
                continue
            ranking, nearest = self.rank_with_nearest(text)
            self._set_faq_selection(message, ranking)
            if self._decides_intent(message):
                self._set_intent(message, ranking, nearest)
        return messages

    def rank(self, text: Text) -> List[Tuple[Text, float]]:
        """Every label with its score for the text, highest first."""
        return self.rank_with_nearest(text)[0]

    def rank_with_nearest(self, text: Text) -> Tuple[List[Tuple[Text, float]], float]:
        """Every label with its score for the text, highest first, and the best nearest-phrasing
        score of any label (what `min_similarity` declines on).

        A label's nearest-phrasing score blends its best phrasing by meaning and its best
        phrasing by words, which need not be the same phrasing: one phrasing shares the
        visitor's words, another their meaning. Blending per phrasing instead was worse on the
        development sets. The classifier's probability is then mixed in; it is not a
        similarity, so it does not decide what is too far from everything to answer.
        """
        vector = get_encoder().encode([text])[0]
        score = self._best_per_label(self.vectors @ vector)
        if self.lexical is not None:
            weight = self.config["lexical_weight"]
            words = self._best_per_label(self.lexical.similarities(text))
            score = (1.0 - weight) * score + weight * words
        nearest = float(score.max())
        if self.classifier is not None:
            weight = self.config["classifier_weight"]
            score = (1.0 - weight) * score + weight * self._probabilities(vector)
        order = np.argsort(-score, kind="stable")
        return [(self._label_names[i], float(score[i])) for i in order], nearest

    def _probabilities(self, vector: np.ndarray) -> np.ndarray:
        """The classifier's probability of each label, in `_label_names` order (softmax)."""
        weights, bias = self.classifier  # type: ignore[misc]
        return softmax(weights @ vector + bias).astype(np.float32)

    def _best_per_label(self, similarities: np.ndarray) -> np.ndarray:
        """Each label's score from its phrasings' similarities, in `_label_names` order: its
        best one, blended with the mean of the next best when `neighbours` > 1."""
        padded = np.append(similarities.astype(np.float32), -np.inf)[self._members]
        rows = np.arange(padded.shape[0])
        first = padded.argmax(axis=1)
        best = padded[rows, first]
        if self._k == 1:
            return best
        # The next best, one argmax at a time (np.partition took 0.5 ms; this about 0.1 ms)
        others = np.zeros_like(best)
        padded[rows, first] = -np.inf
        for _ in range(self._k - 1):
            following = padded.argmax(axis=1)
            value = padded[rows, following]
            others += np.where(np.isfinite(value), value, 0.0)
            padded[rows, following] = -np.inf
        weight = np.where(self._others > 0, self.config["neighbour_weight"], 0.0)
        mean = others / np.maximum(self._others, 1)
        return ((1.0 - weight) * best + weight * mean).astype(np.float32)

    def _decides_intent(self, message: Message) -> bool:
        if message.get(DETECTION_KEY):
            return False
        ranking = [
            r.get(INTENT_NAME_KEY)
            for r in message.get(INTENT_RANKING_KEY) or []
            if r.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
        ]
        current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        classified = ranking[0] if ranking else current
        return current not in self._keep and classified not in self._keep

    def _set_intent(
        self, message: Message, ranking: List[Tuple[Text, float]], nearest: float
    ) -> None:
        label, similarity = ranking[0]
        if nearest < self.config["min_similarity"]:
            name, confidence = DEFAULT_NLU_FALLBACK_INTENT_NAME, 1.0
        else:
            name, confidence = label.split("/")[0], similarity
        best_of_intent: Dict[Text, float] = {}  # an intent's score: its best label's (faq/<topic>)
        for label_name, score in ranking:
            best_of_intent.setdefault(label_name.split("/")[0], score)
        intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        intent_ranking = [
            {INTENT_NAME_KEY: other, PREDICTED_CONFIDENCE_KEY: score}
            for other, score in best_of_intent.items()
            if other != name
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            [intent, *intent_ranking][: self.config["ranking_length"]],
            add_to_output=True,
        )

    def _set_faq_selection(self, message: Message, ranking: List[Tuple[Text, float]]) -> None:
        """The FAQ topics as Rasa's ResponseSelector writes them (rasa/nlu/selectors)."""
        topics = [(label, score) for label, score in ranking if label.startswith(f"{FAQ_INTENT}/")]
        if not topics:
            return
        best, confidence = topics[0]
        utter_action = intent_response_key_to_template_key(best)
        selection = {
            RESPONSE_SELECTOR_PREDICTION_KEY: {
                RESPONSE_SELECTOR_RESPONSES_KEY: self.responses.get(utter_action) or [],
                PREDICTED_CONFIDENCE_KEY: confidence,
                INTENT_RESPONSE_KEY: best,
                RESPONSE_SELECTOR_UTTER_ACTION_KEY: utter_action,
            },
            RESPONSE_SELECTOR_RANKING_KEY: [
                {PREDICTED_CONFIDENCE_KEY: score, INTENT_RESPONSE_KEY: label}
                for label, score in topics[: self.config["ranking_length"]]
            ],
        }
        properties = dict(message.get(RESPONSE_SELECTOR_PROPERTY_NAME) or {})
        properties[RESPONSE_SELECTOR_RETRIEVAL_INTENTS] = [FAQ_INTENT]
        properties[FAQ_INTENT] = selection
        message.set(RESPONSE_SELECTOR_PROPERTY_NAME, properties, add_to_output=True)
