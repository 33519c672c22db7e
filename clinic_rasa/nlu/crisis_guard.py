"""Crisis guard: a Rasa NLU component that makes sure crisis messages are never missed.

It runs last in the pipeline, on every message, and sets the intent to
`crisis` when either layer fires:
- the phrase list staff maintain (safety/crisis_phrases.yml), matched
  deterministically, whatever the model's confidence;
- the trained `crisis` intent, also when the FallbackClassifier replaced it
  with `nlu_fallback` because its confidence was low.
Which layer fired is added to the parse result under `crisis_detection`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic_core.contract import CRISIS_INTENT, DETECTION_KEY
from clinic_core.phrases import PhraseMatcher, load_phrase_file
from clinic_core.settings import load_settings

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class CrisisGuard(GraphComponent, IntentClassifier):
    """Overrides the intent with `crisis` when a crisis phrase or the model says so."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Read when the model is loaded, so staff edits apply after a restart
            # without retraining. Empty: the CRISIS_PHRASES_FILE setting.
            "phrases_file": None,
            # The model's crisis confidence (as its top intent) that counts even when the
            # FallbackClassifier found the message too uncertain to answer.
            "model_threshold": 0.3,
        }

    def __init__(self, config: Dict[Text, Any], matcher: PhraseMatcher) -> None:
        self.config = config
        self.matcher = matcher

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisGuard":
        path = (
            Path(config["phrases_file"])
            if config.get("phrases_file")
            else load_settings().crisis_phrases_file
        )
        matcher = load_phrase_file(path)
        logger.info(f"Crisis guard loaded {len(matcher.phrases)} phrases from {path}")
        return cls(config, matcher)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            detection = self.detect(message)
            if detection:
                self._mark_crisis(message, detection)
        return messages

    def detect(self, message: Message) -> Optional[Dict[Text, Any]]:
        """Which layer found a crisis in `message`, or None."""
        match = self.matcher.find(message.get(TEXT) or "", _lemmatizer(message))
        if match:
            return {"layer": "phrase_list", "phrase": match.phrase}
        confidence = _model_crisis_confidence(message)
        if confidence >= self.config["model_threshold"]:
            return {"layer": "model", "confidence": round(confidence, 3)}
        return None

    @staticmethod
    def _mark_crisis(message: Message, detection: Dict[Text, Any]) -> None:
        crisis = {"name": CRISIS_INTENT, "confidence": 1.0}
        ranking = [
            r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != CRISIS_INTENT
        ]
        message.set(INTENT, crisis, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [crisis, *ranking], add_to_output=True)
        message.set(DETECTION_KEY, detection, add_to_output=True)


def _model_crisis_confidence(message: Message) -> float:
    """The classifier's crisis confidence when crisis is its top intent, else 0.

    The FallbackClassifier's `nlu_fallback` is skipped, so a low-confidence crisis
    prediction still counts; a crisis runner-up behind another intent does not.
    """
    ranking = [
        r
        for r in message.get(INTENT_RANKING_KEY) or []
        if r.get("name") != DEFAULT_NLU_FALLBACK_INTENT_NAME
    ]
    if ranking and ranking[0].get("name") == CRISIS_INTENT:
        return float(ranking[0].get("confidence") or 0.0)
    return 0.0


def _lemmatizer(message: Message):
    """Lemmas of the message's own spaCy tokens, looked up by lower-cased word."""
    lemmas = {
        token.text.lower(): token.lemma.lower()
        for token in message.get(TOKENS_NAMES[TEXT]) or []
        if getattr(token, "lemma", None)
    }
    return lemmas.get if lemmas else None
