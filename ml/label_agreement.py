"""How often two labellers, working blind from the topic catalogue, agree on a visitor set.

Why: the visitor sets' targets (at most 5 % wrong answers) assume the labels are right. If two
people reading the same message and the same catalogue often disagreed, part of every "wrong
answer" would be label noise and the target would sit near what labelling allows. A second
helper labels the messages of a set again (docs/evaluation-briefs/label-brief.txt, seeing only
the messages and the catalogue, not the first labels), and this compares the two:

    python -m ml.label_agreement --first tests/nlu/visitors_dev_19.jsonl \
        --second tests/nlu/second-labels/visitors_dev_19.jsonl

- same label: both chose the same label;
- agree: the second label is among the first labeller's acceptable labels, or the other way
  round (what ml/evaluate_visitors counts as a right answer, applied to a person);
- disagreements are listed by kind (faq, out_of_scope, no_topic, other intents).
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Sequence, Tuple

from ml.evaluate_visitors import load_set


def kind(label: str) -> str:
    return "faq" if label.startswith("faq/") else label


@dataclass
class Agreement:
    messages: int = 0
    same_label: int = 0
    agree: int = 0
    disagreements: Counter = field(default_factory=Counter)  # (first kind, second kind) -> n

    def share(self, count: int) -> float:
        return count / self.messages if self.messages else 0.0


def compare(first: Sequence[dict], second: Sequence[dict]) -> Agreement:
    """Agreement of two labellings of the same messages, in the same order."""
    if [row["text"] for row in first] != [row["text"] for row in second]:
        raise ValueError("The two files do not hold the same messages in the same order.")
    result = Agreement(messages=len(first))
    for a, b in zip(first, second):
        if a["label"] == b["label"]:
            result.same_label += 1
        if b["label"] in a.get("acceptable", [a["label"]]) or a["label"] in b.get(
            "acceptable", [b["label"]]
        ):
            result.agree += 1
        else:
            result.disagreements[(kind(a["label"]), kind(b["label"]))] += 1
    return result


def table(rows: List[Tuple[str, Agreement]]) -> str:
    lines = [
        "| set | messages | same label | agree (either's acceptable) | disagreements (first -> second) |",
        "|---|---|---|---|---|",
    ]
    for name, r in rows:
        kinds = ", ".join(f"{a} -> {b}: {n}" for (a, b), n in r.disagreements.most_common())
        lines.append(
            f"| {name} | {r.messages} | {r.same_label} ({r.share(r.same_label):.1%}) | "
            f"{r.agree} ({r.share(r.agree):.1%}) | {kinds or 'none'} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=Path, action="append", required=True)
    parser.add_argument("--second", type=Path, action="append", required=True)
    args = parser.parse_args(list(argv) or None)
    if len(args.first) != len(args.second):
        parser.error("give one --second for each --first")
    rows: List[Tuple[str, Agreement]] = []
    for first, second in zip(args.first, args.second):
        result = compare(load_set(first), load_set(second))
        rows.append((first.stem, result))
    print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
