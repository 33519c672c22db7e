"""The risk model: how likely a visitor's message signals suicide, self-harm or harm to others.

It reads meaning, not keywords: sentence vectors from the shared encoder (clinic_core.encoder)
next to character n-grams (typos, Spanish) and word n-grams of up to three words (idioms: with
characters alone "the parking tickets around here are going to be the death of me" got P(at risk)
0.99; on 2026-12-02, risk model alone, words cut harmless messages graded at risk on three
development crisis sets from 18 to 13 of 534 and flags on 881 visitor questions from 30 to 17),
fed to two logistic regressions trained by `ml/train_risk.py` on safety/risk_corpus/ (thousands
of messages by several independent writers, none of whom saw the evaluation sets):

- `at_risk`: harmless (0), uncertain (1: a counsellor would ask), at risk (2: risk or imminent);
- `imminent`: among messages at risk, whether the danger is happening now.

The message is scored whole. (Scoring it clause by clause as well caught two more crisis
messages hidden in clinic questions on the development set, but asked 3-4 % more ordinary visitor
questions the check-in question: docs/reports/safety-evaluation.md.) The thresholds are in
safety/risk_model.yml, chosen on the development set only:

    imminent  at risk and P(imminent) >= imminent       911 / emergency room first
              or P(at risk) >= danger_at_risk and
                 P(imminent) >= danger_imminent           (danger now, even if less sure of risk)
    risk      P(at risk) >= crisis                        the crisis response
    check_in  P(at risk) + P(uncertain) >= check_in       ask directly, with 988 and 911
    none      otherwise

The second imminent rule exists because an overdose or a dangerous place told in plain words
("sitting on the ledge of the parking garage") often gets P(at risk) 0.5-0.8 with P(imminent)
near 1: on the five development crisis sets (2026-11-30, 1,773 messages), from P(at risk) 0.5
and P(imminent) 0.8, it moved 10 of 312 imminent messages from the check-in to the emergency
reply, and 1 harmless joke ("i'm dead 💀"); from 0.4, also "goodbye for now, ill call back monday".

The model is built and versioned apart from the FAQ model (it lives in .build/risk_model/, not
in models/), so staff editing FAQs never changes it. Nothing here imports Rasa; the crisis guard
(clinic_rasa/nlu/crisis_guard.py) and the channels' safety net both use it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Sequence

import numpy as np

from clinic_core.settings import PROJECT_ROOT

MODEL_DIR = PROJECT_ROOT / ".build" / "risk_model"
GRADES = ("none", "check_in", "risk", "imminent")
HARMLESS, UNCERTAIN, AT_RISK = 0, 1, 2
EMBEDDING_WEIGHT = 2.0  # sentence vectors are unit length; n-gram rows are too, and more numerous


class RiskModelError(RuntimeError):
    """The risk model is missing or unusable."""


@dataclass(frozen=True)
class Thresholds:
    crisis: float
    check_in: float
    imminent: float
    danger_at_risk: float = 1.1  # off unless set (safety/risk_model.yml sets it)
    danger_imminent: float = 1.1

    @classmethod
    def from_mapping(cls, values: Dict[str, Any]) -> "Thresholds":
        return cls(**{name: float(value) for name, value in values.items()})


@dataclass(frozen=True)
class RiskAssessment:
    grade: str  # one of GRADES
    at_risk: float  # P(at risk)
    uncertain: float  # P(a counsellor would ask)
    imminent: float  # P(imminent | at risk)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "grade": self.grade,
            "at_risk": round(self.at_risk, 3),
            "uncertain": round(self.uncertain, 3),
            "imminent": round(self.imminent, 3),
        }


class RiskModel:
    """Scores texts with the trained classifiers; one instance per process (see `get_risk_model`)."""

    def __init__(
        self,
        ngrams: Any,
        at_risk: Any,
        imminent: Any,
        thresholds: Thresholds,
        version: str,
        encoder: Any = None,
    ) -> None:
        self.ngrams = ngrams  # a fitted sklearn TfidfVectorizer
        self.at_risk = at_risk  # a fitted 3-class LogisticRegression
        self.imminent = imminent  # a fitted 2-class LogisticRegression
        self.thresholds = thresholds
        self.version = version
        self._encoder = encoder

    @property
    def encoder(self) -> Any:
        if self._encoder is None:
            from clinic_core.encoder import get_encoder

            self._encoder = get_encoder()
        return self._encoder

    def features(self, texts: Sequence[str], vectors: Optional[np.ndarray] = None) -> Any:
        from scipy.sparse import csr_matrix, hstack

        if vectors is None:
            vectors = self.encoder.encode(list(texts))
        grams = self.ngrams.transform([t.lower() for t in texts])
        return hstack([csr_matrix(np.asarray(vectors) * EMBEDDING_WEIGHT), grams]).tocsr()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 4): P(harmless), P(uncertain), P(at risk), P(imminent | at risk) per text."""
        features = self.features(texts)
        levels = self.at_risk.predict_proba(features)
        now = self.imminent.predict_proba(features)[:, 1:2]
        return np.hstack([levels, now])

    def grade_of(
        self,
        at_risk: float,
        uncertain: float,
        imminent: float,
        thresholds: Optional[Thresholds] = None,
    ) -> str:
        t = thresholds or self.thresholds
        if at_risk >= t.crisis:
            return "imminent" if imminent >= t.imminent else "risk"
        if at_risk >= t.danger_at_risk and imminent >= t.danger_imminent:
            return "imminent"
        if at_risk + uncertain >= t.check_in:
            return "check_in"
        return "none"

    def assess(self, text: str) -> RiskAssessment:
        _, uncertain, at_risk, imminent = (float(x) for x in self.probabilities([text])[0])
        return RiskAssessment(
            self.grade_of(at_risk, uncertain, imminent), at_risk, uncertain, imminent
        )

    def save(self, folder: Path) -> None:
        import joblib

        folder.mkdir(parents=True, exist_ok=True)
        joblib.dump(
            {"ngrams": self.ngrams, "at_risk": self.at_risk, "imminent": self.imminent},
            folder / "classifiers.joblib",
        )
        (folder / "meta.json").write_text(
            json.dumps(
                {
                    "version": self.version,
                    "thresholds": self.thresholds.__dict__,
                },
                indent=2,
            )
        )

    @classmethod
    def load(cls, folder: Path = MODEL_DIR, encoder: Any = None) -> "RiskModel":
        import joblib

        try:
            parts = joblib.load(folder / "classifiers.joblib")
            meta = json.loads((folder / "meta.json").read_text())
        except (OSError, ValueError, EOFError) as error:
            raise RiskModelError(
                f"The risk model in {folder} cannot be loaded ({error}); `make setup` builds it."
            ) from error
        return cls(
            parts["ngrams"],
            parts["at_risk"],
            parts["imminent"],
            Thresholds.from_mapping(meta["thresholds"]),
            meta["version"],
            encoder,
        )


_models: Dict[Path, RiskModel] = {}
_lock = threading.Lock()


def get_risk_model(folder: Path = MODEL_DIR) -> RiskModel:
    """The process-wide risk model, loaded once (thread-safe). Raises RiskModelError."""
    key = folder.resolve()
    with _lock:
        if key not in _models:
            _models[key] = RiskModel.load(key)
        return _models[key]
