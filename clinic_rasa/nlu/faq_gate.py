"""FAQ confidence gate: ask "Did you mean..." instead of answering a topic the model is unsure of.

Rasa's FallbackClassifier judges only the intent (`faq`), not which FAQ topic was picked
(RasaHQ/rasa#9751, #9723), so a confident `faq` with an unsure topic used to get a confident
wrong answer. This component runs after the semantic retriever (semantic_retriever.py), which
writes the topic ranking in Rasa's ResponseSelector format with cosine similarities as
confidences: when the message is an FAQ question and the top topic is below `min_confidence`,
or the top two are closer than `min_margin`, the intent becomes `faq_clarify` and the parse
result keeps the ranking, from which `action_clarify_faq` offers the likeliest topics as
buttons. Thresholds are chosen on the development visitor set (`make eval`), never on a sealed
set."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import RESPONSE_SELECTOR_PROPERTY_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from clinic_core.contract import FAQ_CLARIFY_INTENT, FAQ_INTENT


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqConfidenceGate(GraphComponent, IntentClassifier):
    """Turns an unsure FAQ topic into a clarification question."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_confidence": 0.5, "min_margin": 0.1}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FaqConfidenceGate":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self.is_unsure(message):
                clarify = {"name": FAQ_CLARIFY_INTENT, "confidence": 1.0}
                ranking = message.get(INTENT_RANKING_KEY) or []
                message.set(INTENT, clarify, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [clarify, *ranking], add_to_output=True)
        return messages

    def is_unsure(self, message: Message) -> bool:
        if (message.get(INTENT) or {}).get("name") != FAQ_INTENT:
            return False
        if (message.get(TEXT) or "").startswith("/"):
            return False
        top, second = topic_confidences(message.get(RESPONSE_SELECTOR_PROPERTY_NAME))
        if top is None:
            return False
        return (
            top < self.config["min_confidence"] or top - (second or 0.0) < self.config["min_margin"]
        )


def topic_confidences(
    selector: Optional[Dict[Text, Any]],
) -> "tuple[Optional[float], Optional[float]]":
    """Confidence of the ResponseSelector's best and second-best FAQ topic."""
    ranking = (((selector or {}).get(FAQ_INTENT) or {}).get("ranking")) or []
    confidences = sorted((float(r.get("confidence") or 0.0) for r in ranking), reverse=True)
    top = confidences[0] if confidences else None
    second = confidences[1] if len(confidences) > 1 else None
    return top, second
