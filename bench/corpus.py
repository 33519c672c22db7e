"""The examples every peer trains and is tested on, read with Rasa's own loaders."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import List, Tuple

import yaml

from clinic_core.settings import PROJECT_ROOT
from ml import evaluate

DATA_DIR = PROJECT_ROOT / "data"
CRISIS_FILE = PROJECT_ROOT / "tests" / "integration" / "safety" / "crisis_messages.yml"
CRISIS_LABEL = "crisis"

Example = Tuple[str, str]  # (text, label); retrieval intents are full keys like faq/cost


def nlu_files(data_dir: Path = DATA_DIR) -> List[str]:
    """The NLU files under `data_dir` as Rasa sees them (rules and stories are left out)."""
    import rasa.shared.data

    return sorted(rasa.shared.data.get_data_files([str(data_dir)], rasa.shared.data.is_nlu_file))


def training_examples(data_dir: Path = DATA_DIR) -> List[Example]:
    """All intent examples of the training data, labelled like the held-out file."""
    examples: List[Example] = []
    for path in nlu_files(data_dir):
        examples.extend(evaluate.load_examples(Path(path)))
    return examples


def heldout_examples(path: Path = evaluate.HELDOUT_FILE) -> List[Example]:
    return evaluate.load_examples(path)


def crisis_messages(path: Path = CRISIS_FILE) -> List[str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(item["text"]) for item in raw.get("messages") or [] if item.get("text")]


def data_fingerprint(data_dir: Path = DATA_DIR, *extra: bytes) -> str:
    """Hash of the NLU training files (and `extra` bytes, e.g. a config), for caching peers."""
    digest = hashlib.sha256()
    for path in nlu_files(data_dir):
        digest.update(str(Path(path).relative_to(data_dir)).encode() + b"\0")
        digest.update(Path(path).read_bytes() + b"\0")
    for chunk in extra:
        digest.update(chunk + b"\0")
    return digest.hexdigest()[:16]
