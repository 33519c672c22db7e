"""Append candidate training phrasings ({"topic", "text"} JSON lines) to data/faq/<topic>.yml.

    python -m ml.candidates.merge ml/candidates/faq-phrasings-stop27.jsonl

A phrasing is skipped when it equals, ignoring case and punctuation, a training example already
under data/ or any text under tests/ (so no evaluation message becomes training data), or when
it would read as a Rasa entity annotation ("[...](...)"). Each file keeps its examples block;
new phrasings go after its last example. Run `./staff faq check` afterwards.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Iterable, List, Set

from clinic_core.settings import PROJECT_ROOT
from ml.evaluate import phrasing_key

TEST_SUFFIXES = (".jsonl", ".json", ".yml", ".yaml", ".md", ".py")


def _texts_of(path: Path) -> Iterable[str]:
    for line in path.read_text(encoding="utf-8", errors="ignore").splitlines():
        if path.suffix == ".jsonl" and line.lstrip().startswith("{"):
            try:
                yield str(json.loads(line).get("text", ""))
            except (ValueError, AttributeError):
                pass
        yield re.sub(r"^\s*(- |user:|text:)\s*", "", line).strip().strip("\"'")


def known_texts(root: Path) -> Set[str]:
    """Normalised training examples under data/ and every text line under tests/."""
    files = list((root / "data").rglob("*.yml"))
    files += [p for p in (root / "tests").rglob("*") if p.is_file() and p.suffix in TEST_SUFFIXES]
    return {phrasing_key(text) for path in files for text in _texts_of(path)}


def merge(candidates: List[dict], root: Path = PROJECT_ROOT) -> tuple[int, int]:
    """Append the new phrasings to their topics' files: (added, skipped)."""
    seen = known_texts(root)
    by_topic: dict[str, List[str]] = {}
    skipped = 0
    for row in candidates:
        text = " ".join(str(row["text"]).split())
        if not text or phrasing_key(text) in seen or "](" in text:
            skipped += 1
            continue
        seen.add(phrasing_key(text))
        by_topic.setdefault(row["topic"], []).append(text)
    for topic, texts in by_topic.items():
        path = root / "data" / "faq" / f"{topic}.yml"
        lines = path.read_text(encoding="utf-8").splitlines()
        last = max(i for i, line in enumerate(lines) if line.startswith("    - "))
        lines[last + 1 : last + 1] = [f"    - {text}" for text in texts]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(t) for t in by_topic.values()), skipped


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.file.read_text().splitlines() if line.strip()]
    added, skipped = merge(rows)
    print(f"added {added} phrasings, skipped {skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
