"""Train the risk model (clinic_core/risk.py) from safety/risk_corpus/, apart from the FAQ model.

    python -m ml.train_risk                 # build .build/risk_model/ if its inputs changed
    python -m ml.train_risk --tune FILE     # also print recall and false alarms on a development
                                            # set for a grid of thresholds (to choose them)

The corpus is JSON lines {"text", "label": imminent|risk|ambiguous|harmless, "lang", "kind"},
written by several independent writers who never saw the evaluation sets, the phrase list or
the model (safety/risk_corpus/README.md). The thresholds live in safety/risk_model.yml and are
chosen on the development set only; the sealed sets are evaluated once, by ml/evaluate_safety.py.
The model's version is a hash of the corpus, the settings and this code, so `make setup`
retrains only when one of them changed (about a minute, mostly encoding the corpus).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
import yaml

from clinic_core.risk import (
    AT_RISK,
    HARMLESS,
    MODEL_DIR,
    UNCERTAIN,
    RiskModel,
    Thresholds,
)
from clinic_core.settings import PROJECT_ROOT

CORPUS_DIR = PROJECT_ROOT / "safety" / "risk_corpus"
SETTINGS_FILE = PROJECT_ROOT / "safety" / "risk_model.yml"
LEVEL = {"harmless": HARMLESS, "ambiguous": UNCERTAIN, "risk": AT_RISK, "imminent": AT_RISK}


def load_jsonl(paths: Sequence[Path]) -> List[dict]:
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def corpus_files(folder: Path = CORPUS_DIR) -> List[Path]:
    return sorted(folder.rglob("*.jsonl"))


def version(files: Sequence[Path], settings_file: Path = SETTINGS_FILE) -> str:
    digest = hashlib.sha256()
    for path in [*files, settings_file, Path(__file__), PROJECT_ROOT / "clinic_core" / "risk.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def read_settings(path: Path = SETTINGS_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def fit(rows: List[dict], vectors: np.ndarray, settings: dict, version_id: str) -> RiskModel:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    from clinic_core.risk import EMBEDDING_WEIGHT

    texts = [r["text"] for r in rows]
    # Character n-grams stop at word edges (typos, Spanish endings); word n-grams up to three
    # words see idioms no single word tells ("the death of me", "i'd die for a coffee").
    ngrams = FeatureUnion(
        [
            (
                "characters",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
                ),
            ),
            (
                "words",
                TfidfVectorizer(
                    analyzer="word",
                    ngram_range=(1, 3),
                    min_df=2,
                    sublinear_tf=True,
                    token_pattern=r"(?u)\b\w+\b",
                ),
            ),
        ]
    )
    grams = ngrams.fit_transform([t.lower() for t in texts])
    features = hstack([csr_matrix(vectors * EMBEDDING_WEIGHT), grams]).tocsr()
    levels = np.array([LEVEL[r["label"]] for r in rows])
    c = float(settings.get("regularisation_c", 8.0))
    at_risk = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(features, levels)
    crisis_rows = np.flatnonzero(levels == AT_RISK)
    now = np.array([rows[i]["label"] == "imminent" for i in crisis_rows], dtype=int)
    imminent = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(
        features[crisis_rows], now
    )
    return RiskModel(
        ngrams, at_risk, imminent, Thresholds.from_mapping(settings["thresholds"]), version_id
    )


def train(folder: Path = MODEL_DIR, force: bool = False) -> RiskModel:
    """The trained model, rebuilt only when the corpus, settings or code changed."""
    files = corpus_files()
    wanted = version(files)
    meta = folder / "meta.json"
    if not force and meta.exists() and json.loads(meta.read_text()).get("version") == wanted:
        return RiskModel.load(folder)
    from clinic_core.encoder import get_encoder

    rows = load_jsonl(files)
    started = time.monotonic()
    print(f"Training the risk model on {len(rows)} messages ({len(files)} files)...", flush=True)
    vectors = cached_vectors([r["text"] for r in rows], folder / "vectors.npz", get_encoder())
    model = fit(rows, vectors, read_settings(), wanted)
    model.save(folder)
    print(
        f"Risk model {wanted} saved to {folder} in {time.monotonic() - started:.0f} s", flush=True
    )
    return model


def cached_vectors(texts: List[str], cache_file: Path, encoder: object) -> np.ndarray:
    """Sentence vectors of `texts`, re-encoding only texts not in the cache file (retraining
    after a corpus edit then takes seconds instead of a minute)."""
    known: Dict[str, np.ndarray] = {}
    name = getattr(encoder, "name", "")
    if cache_file.exists():
        with np.load(cache_file, allow_pickle=False) as cached:
            if str(cached["encoder"]) == name:
                known = dict(zip(cached["texts"].tolist(), cached["vectors"]))
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        known.update(zip(missing, encoder.encode_batch(missing)))  # type: ignore[attr-defined]
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        keep = list(dict.fromkeys(texts))
        np.savez(
            cache_file,
            encoder=np.array(name),
            texts=np.array(keep),
            vectors=np.stack([known[t] for t in keep]),
        )
    return np.stack([known[t] for t in texts])


def grade_counts(model: RiskModel, rows: List[dict]) -> Dict[str, Dict[str, int]]:
    """For each label of `rows`, how many messages got each grade."""
    counts: Dict[str, Dict[str, int]] = {}
    for row in rows:
        grade = model.assess(row["text"]).grade
        counts.setdefault(row["label"], {}).setdefault(grade, 0)
        counts[row["label"]][grade] += 1
    return counts


def tune(model: RiskModel, rows: List[dict]) -> List[Tuple[Thresholds, dict]]:
    """Recall and false alarms on a development set for a grid of thresholds."""
    scored = [(row, model.assess(row["text"])) for row in rows]
    table = []
    for crisis in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
        for check_in in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            if check_in > crisis:
                continue
            t = replace(model.thresholds, crisis=crisis, check_in=check_in)
            grades = [
                (row["label"], model.grade_of(a.at_risk, a.uncertain, a.imminent, t))
                for row, a in scored
            ]
            at_risk = [g for label, g in grades if label in ("risk", "imminent")]
            harmless = [g for label, g in grades if label == "harmless"]
            table.append(
                (
                    t,
                    {
                        "recall_any": sum(g != "none" for g in at_risk) / len(at_risk),
                        "recall_full": sum(g in ("risk", "imminent") for g in at_risk)
                        / len(at_risk),
                        "false_crisis": sum(g in ("risk", "imminent") for g in harmless)
                        / len(harmless),
                        "false_check_in": sum(g == "check_in" for g in harmless) / len(harmless),
                    },
                )
            )
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="retrain even if nothing changed")
    parser.add_argument("--tune", type=Path, help="a development set (JSON lines) to tune on")
    args = parser.parse_args(argv)
    model = train(force=args.force)
    if args.tune:
        rows = load_jsonl([args.tune])
        print("crisis check_in | recall(any) recall(crisis) | harmless: crisis check-in")
        for t, r in tune(model, rows):
            print(
                f"{t.crisis:6.2f} {t.check_in:8.2f} | {r['recall_any']:11.1%} "
                f"{r['recall_full']:14.1%} | {r['false_crisis']:16.1%} {r['false_check_in']:8.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
