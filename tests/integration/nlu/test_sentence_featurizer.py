"""The sentence featurizer (clinic_rasa/nlu/sentence_featurizer.py) with the real encoder.

One tiny training run (about a minute on 2 cores): WhitespaceTokenizer, CountVectorsFeaturizer,
the featurizer, DIETClassifier with a transformer layer and entity recognition (so the text's
sparse sequence features are used beside the dense sentence-only ones) and a ResponseSelector
without transformer layers (the project's set-up).
"""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import List

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import ACTION_TEXT, INTENT, RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from clinic_core.encoder import get_encoder
from clinic_rasa.nlu.sentence_featurizer import SentenceEncoderFeaturizer

FEATURIZER = "clinic_rasa.nlu.sentence_featurizer.SentenceEncoderFeaturizer"


def make_featurizer(tmp_path: Path, **config) -> SentenceEncoderFeaturizer:
    return SentenceEncoderFeaturizer.create(
        {**SentenceEncoderFeaturizer.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("sentence_encoder"),
        ExecutionContext(node_name="sentence_encoder", graph_schema=None),
    )


def tokenized(*messages: Message) -> List[Message]:
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    for message in messages:
        for attribute in (TEXT, RESPONSE, ACTION_TEXT):
            if message.get(attribute) is not None:
                tokenizer.process([message]) if attribute == TEXT else message.set(
                    TOKENS_NAMES[attribute], tokenizer.tokenize(message, attribute)
                )
    return list(messages)


def dense(message: Message, attribute: str = TEXT):
    return message.get_dense_features(attribute, [])


def test_messages_get_one_sentence_feature_with_the_encoders_vector(tmp_path):
    featurizer = make_featurizer(tmp_path, alias="sentence_encoder")
    message = Message(data={TEXT: "how much does an infusion cost"})
    featurizer.process(tokenized(message))
    sequence, sentence = dense(message)
    assert sequence is None
    assert sentence.features.shape == (1, 384)
    assert [feature.origin for feature in message.features] == ["sentence_encoder"]
    assert np.allclose(sentence.features[0], get_encoder().encode([message.get(TEXT)])[0])


def test_a_message_without_tokens_gets_no_features_and_no_error(tmp_path):
    # as CountVectorsFeaturizer gives it none: DIET needs both kinds or neither
    messages = [Message(data={TEXT: ""}), Message(data={})]
    make_featurizer(tmp_path).process(messages)
    assert [dense(message) for message in messages] == [(None, None), (None, None)]


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_or_blank_text_with_a_token_gets_the_empty_sentences_vector(tmp_path, text):
    message = Message(data={TEXT: text})
    tokenized(message)
    assert message.get(TOKENS_NAMES[TEXT])  # the whitespace tokenizer makes one of ""
    make_featurizer(tmp_path).process([message])
    assert np.allclose(dense(message)[1].features[0], get_encoder().encode([text])[0])


def test_training_examples_get_features_except_for_skipped_attributes(tmp_path):
    examples = [
        Message(data={TEXT: "what does it cost", RESPONSE: "An infusion costs $450."}),
        Message(data={TEXT: "what does it cost", INTENT: "another_intent"}),
        Message(data={TEXT: "hello"}),
        Message(data={ACTION_TEXT: "Hi! How can I help?"}),
    ]
    make_featurizer(tmp_path, skip_attributes=["response"]).process_training_data(
        TrainingData(training_examples=tokenized(*examples))
    )
    assert dense(examples[0])[1].features.shape == (1, 384)
    assert np.array_equal(dense(examples[0])[1].features, dense(examples[1])[1].features)
    assert dense(examples[0], RESPONSE) == (None, None)
    assert dense(examples[3], ACTION_TEXT)[1].features.shape == (1, 384)


def test_unknown_attributes_to_skip_are_a_config_error(tmp_path):
    with pytest.raises(InvalidConfigException):
        make_featurizer(tmp_path, skip_attributes=["intent"])
    with pytest.raises(InvalidConfigException):
        make_featurizer(tmp_path, skip_attributes="text")


TINY_CONFIG = f"""
recipe: default.v1
language: en
assistant_id: featurizer-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: {FEATURIZER}
    alias: sentence_encoder
  - name: DIETClassifier
    epochs: 5
    number_of_transformer_layers: 1
    transformer_size: 32
    hidden_layers_sizes:
      text: [32]
    embedding_dimension: 16
    entity_recognition: true
    random_seed: 1
  - name: ResponseSelector
    retrieval_intent: faq
    epochs: 5
    hidden_layers_sizes:
      text: [32]
      label: [32]
    embedding_dimension: 16
    random_seed: 1
policies: []
"""

TINY_DOMAIN = """
version: "3.1"
intents: [greet, faq, book]
entities: [day]
responses:
  utter_faq/cost:
  - text: An infusion costs $450.
  - text: Each infusion is $450.
  utter_faq/side_effects:
  - text: Mild dizziness or nausea for an hour or two.
"""

TINY_NLU = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
    - hey
- intent: book
  examples: |
    - book me for [monday](day)
    - I'd like an appointment on [friday](day)
    - can I come in [tuesday](day)
    - schedule a visit
- intent: faq/cost
  examples: |
    - how much does it cost
    - what is the price of an infusion
    - is ketamine expensive
    - what are your fees
- intent: faq/side_effects
  examples: |
    - what are the side effects
    - will I feel dizzy afterwards
    - does ketamine make you nauseous
    - is it risky
"""


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory) -> Path:
    from rasa.model_training import train_nlu

    folder = tmp_path_factory.mktemp("featurizer-model")
    (folder / "config.yml").write_text(textwrap.dedent(TINY_CONFIG))
    (folder / "domain.yml").write_text(TINY_DOMAIN)
    (folder / "nlu.yml").write_text(TINY_NLU)
    model = train_nlu(
        str(folder / "config.yml"),
        str(folder / "nlu.yml"),
        str(folder / "models"),
        domain=str(folder / "domain.yml"),
    )
    assert model, "training failed"
    return Path(model)


def test_a_tiny_diet_and_response_selector_train_on_the_features_and_the_model_parses(
    trained_model,
):
    from rasa.core.agent import Agent
    from rasa.nlu.classifiers.diet_classifier import DIETClassifier
    from rasa.nlu.selectors.response_selector import ResponseSelector

    agent = Agent.load(str(trained_model))
    # The trained classifiers' inputs include the featurizer's 384-d dense sentence features.
    components = [
        node._component for node in agent.processor.graph_runner._instantiated_nodes.values()
    ]
    for kind in (DIETClassifier, ResponseSelector):
        model = next(c for c in components if type(c) is kind).model
        dense_units = [
            signature.units
            for signature in model.data_signature[TEXT]["sentence"]
            if not signature.is_sparse
        ]
        assert dense_units == [384], kind.__name__

    async def parse(text: str):
        return await agent.parse_message(text)

    result = asyncio.run(parse("how much is an infusion"))
    assert result["intent"]["name"] in {"greet", "faq", "book"}
    assert result["response_selector"]["faq"]["response"]["intent_response_key"].startswith("faq/")
    for text in ("", "   ", "¿cuánto cuesta?"):
        assert "intent" in asyncio.run(parse(text))
