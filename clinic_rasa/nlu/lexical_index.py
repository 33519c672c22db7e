"""Word and character TF-IDF similarity of a message to every training phrasing.

Why: the sentence encoder bridges paraphrases, but it misses what the words themselves say:
drug and brand names ("spravato", "esketamine"), typos it splits into unknown pieces, and
fragments ("superbill?"). TF-IDF nearest neighbour, the bench's lexical peer, is right on
different messages. On the pooled development visitor sets (visitors_dev plus the evaluated
sealed-3 and sealed-4, 831 messages), with no "Did you mean" gate, labels scored 0.6 x the
encoder similarity of their nearest phrasing + 0.4 x the TF-IDF similarity of their lexically
nearest phrasing were right for 81.5 % of messages, against 76.9 % for the encoder alone and
74.7 % for TF-IDF alone; docs/reports/understanding.md has the figures and the command.

Features are the lexical peer's (bench/peers.py TfidfPeer): word 1-2-grams and char_wb 2-5-grams,
sublinear tf, each part L2-normalised and the two concatenated and normalised again. The fitted vocabulary and
idf weights are stored as JSON and numpy arrays (no pickle in the model).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Text

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

# (name, analyzer, n-gram range): word pairs keep "drive home" apart from "home", character
# n-grams inside word boundaries match typos and inflections.
PARTS = (("words", "word", (1, 2)), ("chars", "char_wb", (2, 5)))
MATRIX_FILE = "lexical_matrix_{name}.npz"
VOCABULARY_FILE = "lexical_vocabulary.json"
IDF_FILE = "lexical_idf_{name}.npy"


def _vectorizer(analyzer: Text, ngram_range: tuple, vocabulary=None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngram_range,
        sublinear_tf=True,
        lowercase=True,
        vocabulary=vocabulary,
    )


class LexicalIndex:
    """TF-IDF vectors of the training phrasings; cosine similarity of a message to each.

    A message's vector is built from sklearn's own analyzer, vocabulary and idf weights rather
    than `TfidfVectorizer.transform`, whose input checks cost 1-2 ms per call against 0.2 ms
    for the same numbers (tests/unit/test_lexical_index.py compares both).
    """

    def __init__(self, vectorizers: Dict[Text, TfidfVectorizer], matrices: Dict[Text, Any]) -> None:
        self._vectorizers = vectorizers
        self._analyzers = {name: v.build_analyzer() for name, v in vectorizers.items()}
        self._matrices = {name: m.tocsr() for name, m in matrices.items()}
        # A phrasing's parts are unit vectors (or empty); the sum over parts, divided by the
        # square root of the number of non-empty parts on each side, is the cosine of the
        # concatenated vectors.
        present = sum((m.getnnz(axis=1) > 0).astype(np.float32) for m in self._matrices.values())
        self._row_scale = 1.0 / np.sqrt(np.maximum(present, 1.0))

    @classmethod
    def fit(cls, texts: Sequence[Text]) -> "LexicalIndex":
        vectorizers, matrices = {}, {}
        for name, analyzer, ngrams in PARTS:
            vectorizers[name] = _vectorizer(analyzer, ngrams)
            matrices[name] = normalize(vectorizers[name].fit_transform(texts))
        return cls(vectorizers, matrices)

    def vectors(self, texts: Sequence[Text]):
        """sklearn's TF-IDF vectors of `texts` (training, and the reference for tests)."""
        parts = [normalize(self._vectorizers[name].transform(texts)) for name, _, _ in PARTS]
        return normalize(scipy.sparse.hstack(parts).tocsr())

    def _part_vector(self, name: Text, text: Text) -> Optional[np.ndarray]:
        vectorizer = self._vectorizers[name]
        vocabulary = vectorizer.vocabulary_
        counts = Counter(g for g in self._analyzers[name](text) if g in vocabulary)
        if not counts:
            return None
        ids = np.fromiter((vocabulary[g] for g in counts), dtype=np.int64, count=len(counts))
        weights = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
        weights *= vectorizer.idf_[ids]
        vector = np.zeros(len(vocabulary), dtype=np.float64)
        vector[ids] = weights / np.linalg.norm(weights)
        return vector

    def similarities(self, text: Text) -> np.ndarray:
        """Cosine similarity of `text` to every training phrasing, in training order."""
        total = np.zeros(self.size, dtype=np.float64)
        present = 0
        for name, matrix in self._matrices.items():
            vector = self._part_vector(name, text)
            if vector is not None:
                total += matrix @ vector
                present += 1
        if not present:
            return total.astype(np.float32)
        return (total * self._row_scale / np.sqrt(present)).astype(np.float32)

    @property
    def size(self) -> int:
        return next(iter(self._matrices.values())).shape[0]

    def save(self, folder: Path) -> None:
        vocabulary: Dict[Text, Dict[Text, int]] = {}
        for name, vectorizer in self._vectorizers.items():
            vocabulary[name] = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
            np.save(folder / IDF_FILE.format(name=name), vectorizer.idf_)
            scipy.sparse.save_npz(folder / MATRIX_FILE.format(name=name), self._matrices[name])
        (folder / VOCABULARY_FILE).write_text(json.dumps(vocabulary), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        vectorizers: Dict[Text, TfidfVectorizer] = {}
        matrices = {}
        for name, analyzer, ngrams in PARTS:
            vectorizer = _vectorizer(analyzer, ngrams, vocabulary[name])
            vectorizer.idf_ = np.load(folder / IDF_FILE.format(name=name))
            vectorizers[name] = vectorizer
            matrices[name] = scipy.sparse.load_npz(folder / MATRIX_FILE.format(name=name))
        return cls(vectorizers, matrices)
