"""The lexical half of the retriever's score (clinic_rasa/nlu/lexical_index.py).

Its fast path builds a message's TF-IDF vector by hand; these tests hold it to scikit-learn's
own `transform` and check that a model folder round trip keeps every number.
"""

from __future__ import annotations

import numpy as np
import pytest

from clinic_rasa.nlu.lexical_index import LexicalIndex

PHRASINGS = [
    "how much does an infusion cost",
    "does insurance cover spravato",
    "can I drive home after the infusion",
    "is ketamine addictive",
    "where do I park",
    "???",
]
MESSAGES = [
    "how much is spravato",
    "can i drive hom after",  # a typo only character n-grams match
    "SUPERBILL?",
    "ЖЖЖ ЩЩЩ",  # nothing in the vocabulary
    "",
    "!!!",
    "is ketamine addictive",
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.fit(PHRASINGS)


@pytest.mark.parametrize("text", MESSAGES)
def test_similarities_are_scikit_learns_cosine(index, text):
    reference = np.asarray((index.vectors([text]) @ index.vectors(PHRASINGS).T).todense())[0]
    assert np.allclose(index.similarities(text), reference, atol=1e-6)


def test_a_typo_still_finds_its_phrasing_by_character_n_grams(index):
    similarities = index.similarities("can i drive hom aftr")
    assert PHRASINGS[int(similarities.argmax())] == "can I drive home after the infusion"


def test_the_same_words_score_one_and_unknown_words_zero(index):
    assert index.similarities("is ketamine addictive")[3] == pytest.approx(1.0)
    assert not index.similarities("ЖЖЖ ЩЩЩ").any()


def test_a_saved_index_loads_with_the_same_numbers(index, tmp_path):
    index.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert loaded.size == len(PHRASINGS)
    for text in MESSAGES:
        assert np.array_equal(loaded.similarities(text), index.similarities(text))
    assert not list(tmp_path.glob("*.pkl"))  # JSON and numpy arrays only
