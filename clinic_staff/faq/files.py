"""One FAQ = one file `data/faq/<topic>.yml`: topic names, rendering and creating such files.

The format (also shown, with comments, in docs/guides/faq-template.yml.txt):

    version: "3.1"
    nlu:
    - intent: faq/<topic>
      examples: |
        - <one way a visitor asks the question>
        ...
    responses:
      utter_faq/<topic>:
      - text: "<the answer>"

No domain.yml edit is needed for a new topic: the domain lists the `faq` retrieval
intent once, and Rasa 3 reads `utter_faq/<topic>` responses from training data files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import List, Sequence

FAQ_DIR = Path("data") / "faq"
MIN_PHRASINGS = 15  # fewer and visitors' other wordings find no phrasing near them
TOPIC_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class FaqFileError(ValueError):
    """A new FAQ cannot be written (bad topic name, topic exists, empty question or answer)."""


def topic_problem(topic: str) -> str:
    """Why `topic` is not a valid topic name, or '' if it is."""
    if TOPIC_PATTERN.match(topic):
        return ""
    return (
        f"'{topic}' is not a valid topic name: use 2-40 lower-case letters, digits and "
        "underscores, starting with a letter (for example: parking or parking_hours)"
    )


def faq_path(project: Path, topic: str) -> Path:
    return project / FAQ_DIR / f"{topic}.yml"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def render_faq(topic: str, phrasings: Sequence[str], answer: str) -> str:
    """The YAML text of an FAQ file (phrasings one per line, answer as a quoted string)."""
    lines = ['version: "3.1"', "nlu:", f"- intent: faq/{topic}", "  examples: |"]
    lines += [f"    - {_one_line(p)}" for p in phrasings]
    lines += [
        "responses:",
        f"  utter_faq/{topic}:",
        f"  - text: {json.dumps(_one_line(answer), ensure_ascii=False)}",
    ]
    return "\n".join(lines) + "\n"


def unique_phrasings(phrasings: Sequence[str]) -> List[str]:
    """Non-empty phrasings on one line each, first occurrence kept (case-insensitive)."""
    seen, result = set(), []
    for phrasing in phrasings:
        text = _one_line(phrasing)
        if text and text.lower() not in seen:
            seen.add(text.lower())
            result.append(text)
    return result


def create_faq(
    project: Path, topic: str, question: str, answer: str, phrasings: Sequence[str] = ()
) -> Path:
    """Write data/faq/<topic>.yml; refuses an invalid or existing topic. Returns the path."""
    problem = topic_problem(topic)
    if problem:
        raise FaqFileError(problem)
    path = faq_path(project, topic)
    if path.exists():
        raise FaqFileError(
            f"The topic '{topic}' already exists ({path.relative_to(project)}). "
            "Edit that file instead, or choose another topic name."
        )
    examples = unique_phrasings([question, *phrasings])
    if not examples:
        raise FaqFileError("The question is empty: write how a visitor would ask it.")
    if not _one_line(answer):
        raise FaqFileError("The answer is empty: write the answer the assistant should give.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_faq(topic, examples, answer), encoding="utf-8")
    return path
