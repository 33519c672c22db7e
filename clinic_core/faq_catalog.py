"""The FAQ topics and their titles, read from the FAQ files staff edit (data/faq/<topic>.yml).

The "Did you mean" buttons show each topic's `title` from its file's metadata, so a staff edit
of the title shows up without retraining.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, Tuple

import yaml

from clinic_core.settings import PROJECT_ROOT

FAQ_DIR = PROJECT_ROOT / "data" / "faq"


@lru_cache(maxsize=2)
def _titles(folder: Path, stamp: Tuple[float, ...]) -> Dict[str, str]:
    titles: Dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for item in data.get("nlu") or []:
            intent = str(item.get("intent") or "")
            if intent.startswith("faq/"):
                titles[intent[4:]] = str((item.get("metadata") or {}).get("title") or "").strip()
    return titles


def titles(folder: Path = FAQ_DIR) -> Dict[str, str]:
    """topic -> button title (empty when the file has none); re-read when a file changes."""
    stamp = tuple(p.stat().st_mtime for p in sorted(folder.glob("*.yml")))
    return _titles(folder, stamp)


def title_of(topic: str, folder: Path = FAQ_DIR) -> str:
    return titles(folder).get(topic) or topic.replace("_", " ").capitalize()
