"""Rasa featurizer that adds the project's sentence-encoder vectors (clinic_core/encoder.py).

Each message gets one dense *sentence* feature (1 x 384, all-MiniLM-L6-v2, mean-pooled and
L2-normalised) for its text, next to the sparse CountVectorsFeaturizer features. It adds no
sequence (per-token) features: DIETClassifier and ResponseSelector (Rasa 3.6) combine sparse
and dense features of each level separately (RasaFeatureCombiningLayer), so dense sentence
features beside sparse sequence + sentence features are a supported mix; and without
transformer layers or entity recognition DIET drops the text's sequence features anyway
(DIETClassifier._extract_features). Checked by tests/unit/test_sentence_featurizer.py, which
also trains a DIET with a transformer layer and entity recognition on these features.

The encoder is the process-wide one (`get_encoder()`), shared with the safety model: a message
both encode is computed once (the encoder's LRU cache). Nothing is stored in the trained model:
the encoder's files are pinned by hash, so a model always meets the vectors it was trained on.

Config (config.yml):
    - name: clinic_rasa.nlu.sentence_featurizer.SentenceEncoderFeaturizer
      alias: sentence_encoder        # the features' origin name (optional)
      skip_attributes: [response]    # attributes to leave without features (default none of
                                     # text, response, action_text is skipped)
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_TEXT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_core.encoder import get_encoder

logger = logging.getLogger(__name__)

SKIP_ATTRIBUTES = "skip_attributes"
BATCH_SIZE = "batch_size"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense sentence features from the shared sentence encoder."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # Attributes (of text, response, action_text) that get no features.
            SKIP_ATTRIBUTES: [],
            # Texts per encoder call while featurizing the training data.
            BATCH_SIZE: 32,
        }

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        skipped = config.get(SKIP_ATTRIBUTES) or []
        if isinstance(skipped, str) or not all(isinstance(name, str) for name in skipped):
            raise InvalidConfigException(
                f"{cls.__name__}: '{SKIP_ATTRIBUTES}' must be a list of attribute names."
            )
        unknown = sorted(set(skipped) - set(DENSE_FEATURIZABLE_ATTRIBUTES))
        if unknown:
            raise InvalidConfigException(
                f"{cls.__name__}: cannot skip {unknown}: only {DENSE_FEATURIZABLE_ATTRIBUTES} "
                f"get features."
            )
        if int(config.get(BATCH_SIZE, 32)) < 1:
            raise InvalidConfigException(f"{cls.__name__}: '{BATCH_SIZE}' must be at least 1.")

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self.attributes = [
            attribute
            for attribute in DENSE_FEATURIZABLE_ATTRIBUTES
            if attribute not in (config.get(SKIP_ATTRIBUTES) or [])
        ]
        self.encoder = get_encoder()  # loaded (and hash-checked) once per process

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def required_components(cls) -> List[Type]:
        """A tokenizer: a message gets features exactly when it has tokens (see `_text`)."""
        return [Tokenizer]

    @staticmethod
    def _text(message: Message, attribute: Text) -> Optional[Text]:
        """The text to encode, or None for no features.

        A message gets features exactly when it has tokens for the attribute, which is when
        CountVectorsFeaturizer gives it sparse features: a trained DIET fails on a message that
        has one kind but not the other. An empty or blank text can have a token (the whitespace
        tokenizer makes one of ""), and then gets the vector of the empty sentence.
        """
        if not message.get(TOKENS_NAMES[attribute]):
            return None
        text = message.get(attribute)
        return text if isinstance(text, str) else ""

    def _add(self, message: Message, attribute: Text, vector: np.ndarray) -> None:
        self.add_features_to_message(
            sequence=None, sentence=vector.reshape(1, -1), attribute=attribute, message=message
        )

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Adds features to every training example (each distinct text is encoded once)."""
        for attribute in self.attributes:
            examples = [
                (example, text)
                for example in training_data.training_examples
                for text in [self._text(example, attribute)]
                if text is not None
            ]
            if not examples:
                continue
            vectors = self.encoder.encode_batch(
                [text for _, text in examples], batch_size=int(self._config[BATCH_SIZE])
            )
            for (example, _), vector in zip(examples, vectors):
                self._add(example, attribute, vector)
            logger.debug(f"{self._identifier}: {len(examples)} '{attribute}' features")
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Adds features to incoming messages. Like Rasa's own featurizers, only text and
        action_text: the other attributes are labels, whose features the classifiers keep."""
        for attribute in (TEXT, ACTION_TEXT):
            if attribute not in self.attributes:
                continue
            pending = [
                (message, text)
                for message in messages
                for text in [self._text(message, attribute)]
                if text is not None
            ]
            if pending:
                vectors = self.encoder.encode([text for _, text in pending])
                for (message, _), vector in zip(pending, vectors):
                    self._add(message, attribute, vector)
        return messages
