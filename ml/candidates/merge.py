"""Append candidate training phrasings ({"topic", "text"} JSON lines) to their training files.

    python -m ml.candidates.merge ml/candidates/faq-phrasings-stop27.jsonl

A phrasing is skipped when it equals, ignoring case and punctuation, a training example already
under data/ or any text under tests/ (so no evaluation message becomes training data), or when
it would read as a Rasa entity annotation ("[...](...)"). A topic with a file data/faq/<topic>.yml
goes there; any other name is an intent of data/nlu/ ("greet", "book_consultation"). New
phrasings go after the last example of the topic's or intent's examples block. Run
`./staff faq check` afterwards.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Iterable, List, Optional, Set, Tuple

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


def _last_example(lines: List[str], intent: str) -> Optional[int]:
    """Index of the last example line of `intent`'s block in a Rasa NLU file, or None."""
    starts = [i for i, line in enumerate(lines) if line.strip() == f"- intent: {intent}"]
    if not starts:
        return None
    depth = len(lines[starts[0]]) - len(lines[starts[0]].lstrip())
    last = None
    for i in range(starts[0] + 1, len(lines)):
        stripped = lines[i].lstrip()
        if stripped and len(lines[i]) - len(stripped) <= depth:
            break  # the next intent, `responses:`, or the end of the nlu list
        if stripped.startswith("- "):
            last = i
    return last


def _examples_block(root: Path, topic: str) -> Tuple[Path, List[str], int]:
    """The file holding `topic`'s examples, its lines, and the index of its last example:
    data/faq/<topic>.yml for an FAQ topic, else the data/nlu file with the intent `topic`."""
    faq = root / "data" / "faq" / f"{topic}.yml"
    places = [(faq, f"faq/{topic}")] if faq.exists() else []
    places += [(path, topic) for path in sorted((root / "data" / "nlu").glob("*.yml"))]
    for path, intent in places:
        lines = path.read_text(encoding="utf-8").splitlines()
        last = _last_example(lines, intent)
        if last is not None:
            return path, lines, last
    raise ValueError(f"no examples of {topic} in data/faq/{topic}.yml or data/nlu/")


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
        path, lines, last = _examples_block(root, topic)
        indent = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
        lines[last + 1 : last + 1] = [f"{indent}- {text}" for text in texts]
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
