"""The risk model: how likely a visitor's message signals suicide, self-harm or harm to others.

It reads meaning, not keywords: sentence vectors from the shared encoder (clinic_core.encoder)
next to character n-grams (typos, Spanish), fed to two logistic regressions trained by
`ml/train_risk.py` on safety/risk_corpus/ (thousands of messages by several independent writers,
none of whom saw the evaluation sets):

- `at_risk`: harmless (0), uncertain (1: a counsellor would ask), at risk (2: risk or imminent);
- `imminent`: among messages at risk, whether the danger is happening now.

A message is scored whole and clause by clause (a crisis hidden inside a price question is one
clause of it), and the highest score counts. The grade follows the thresholds in
safety/risk_model.yml, chosen on the development set only:

    imminent  at risk and P(imminent) >= imminent       911 / emergency room first
    risk      P(at risk) >= crisis                        the crisis response
    check_in  P(at risk) + P(uncertain) >= check_in       ask directly, with 988 and 911
    none      otherwise

The model is built and versioned apart from the FAQ model (it lives in .build/risk_model/, not
in models/), so staff editing FAQs never changes it. Nothing here imports Rasa; the crisis guard
(clinic_rasa/nlu/crisis_guard.py) and the channels' safety net both use it.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from clinic_core.settings import PROJECT_ROOT

MODEL_DIR = PROJECT_ROOT / ".build" / "risk_model"
GRADES = ("none", "check_in", "risk", "imminent")
HARMLESS, UNCERTAIN, AT_RISK = 0, 1, 2
EMBEDDING_WEIGHT = 2.0  # sentence vectors are unit length; n-gram rows are too, and more numerous
MIN_CLAUSE_WORDS = 3

# Clause boundaries: sentence ends, and the joins people use to add a second thought.
_CLAUSE_SPLIT = re.compile(
    r"(?<=[.!?;:\n])\s+"
    r"|\s*,?\s+\b(?:but|because|cause|cuz|also|though|although|anyway|honestly|plus"
    r"|pero|porque|aunque|ademas|además)\b\s+",
    re.IGNORECASE,
)


class RiskModelError(RuntimeError):
    """The risk model is missing or unusable."""


@dataclass(frozen=True)
class Thresholds:
    crisis: float
    check_in: float
    imminent: float

    @classmethod
    def from_mapping(cls, values: Dict[str, Any]) -> "Thresholds":
        return cls(float(values["crisis"]), float(values["check_in"]), float(values["imminent"]))


@dataclass(frozen=True)
class RiskAssessment:
    grade: str  # one of GRADES
    at_risk: float  # P(at risk) of the highest-scoring part of the message
    uncertain: float  # P(uncertain) of that part
    imminent: float  # P(imminent | at risk) of that part
    part: str  # the part of the message that scored highest

    def as_dict(self) -> Dict[str, Any]:
        return {
            "grade": self.grade,
            "at_risk": round(self.at_risk, 3),
            "uncertain": round(self.uncertain, 3),
            "imminent": round(self.imminent, 3),
        }


def clauses(text: str) -> List[str]:
    """The message and, when it has several, each clause of at least MIN_CLAUSE_WORDS words."""
    text = " ".join(text.split())
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(text) if p and p.strip(" ,")]
    parts = [p for p in parts if len(p.split()) >= MIN_CLAUSE_WORDS]
    return [text, *parts] if len(parts) > 1 else [text]


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
        if at_risk + uncertain >= t.check_in:
            return "check_in"
        return "none"

    def assess(self, text: str) -> RiskAssessment:
        parts = clauses(text)
        scores = self.probabilities(parts)
        concern = scores[:, AT_RISK] + scores[:, UNCERTAIN] * 0.5
        best = int(np.argmax(concern))
        at_risk = float(scores[best, AT_RISK])
        uncertain = float(scores[best, UNCERTAIN])
        imminent = float(scores[best, 3])
        # Imminence is read from the whole message too: "took them all" + "what now" together.
        imminent = max(imminent, float(scores[0, 3]) if scores[0, AT_RISK] >= 0.5 else 0.0)
        return RiskAssessment(
            self.grade_of(at_risk, uncertain, imminent), at_risk, uncertain, imminent, parts[best]
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
