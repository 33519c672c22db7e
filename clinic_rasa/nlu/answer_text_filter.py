"""Keep the FAQ answers' text out of NLU training: nothing in this pipeline learns from it.

Rasa copies each retrieval-intent example's response (here: the FAQ answer, a paragraph) onto
the example (`TrainingData._fill_response_phrases`) for a ResponseSelector to learn from. This
pipeline has none: the FAQ topic comes from the semantic retriever, which reads the phrasings and
the domain's responses, not the copies. Without this component spaCy, the tokenizer and both
count featurizers still processed 2,500 answer paragraphs, and Rasa's training cache fingerprinted
their tokens and sparse features after every step: a py-spy profile of `rasa train` (2 cores,
empty cache) put 55 s of 158 s in `TrainingHook` fingerprints and 20 s in count featurizing.

It goes first in the pipeline. At inference a message never carries a response, so `process`
changes nothing.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import RESPONSE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class AnswerTextFilter(GraphComponent):
    """Removes the copied answer text from training examples before any NLU step."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "AnswerTextFilter":
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            example.data.pop(RESPONSE, None)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        return messages
