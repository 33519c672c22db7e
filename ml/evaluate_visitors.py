"""How the assistant does on visitor sets written blind: right answer, right clarification,
wrong answer, declined.

    python -m ml.evaluate_visitors                      # the development set (tuned on)
    python -m ml.evaluate_visitors --set FILE --name sealed-a --report docs/reports/x.md

A visitor set is JSON lines {"text", "label", "acceptable": [...]} written by helpers who never
saw the training data, then labelled from the topic catalogue alone (docs/guides/topic-catalogue.md).
`label` is an FAQ topic (faq/<topic>), another intent, `out_of_scope`, or `no_topic` (on the
clinic's subject but no FAQ answers it). Outcomes, per message:

- right answer: an acceptable FAQ answered, or an acceptable intent (greet, booking...);
- right clarification: "Did you mean" with an acceptable topic among its buttons;
- declined: out_of_scope or nlu_fallback; right for out_of_scope and no_topic messages, and so
  is "Did you mean" on them (it answers nothing and offers "Something else");
- wrong answer: anything else (a wrong FAQ, or a clarification without the right topic).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence

from clinic_core.contract import (
    CRISIS_CHECK_INTENT,
    CRISIS_IMMINENT_INTENT,
    CRISIS_INTENT,
    FAQ_CLARIFY_INTENT,
    FAQ_INTENT,
)
from clinic_core.settings import PROJECT_ROOT
from clinic_rasa.nlu.faq_gate import topic_confidences
from ml.evaluate import parse_each

DEV_SET = PROJECT_ROOT / "tests" / "nlu" / "visitors_dev.jsonl"
DECLINED = {"out_of_scope", "nlu_fallback"}
NOT_ANSWERABLE = {"out_of_scope", "no_topic"}
OUTCOMES = (
    "right answer",
    "right clarification",
    "declined (right)",
    "declined (wrong)",
    "wrong answer",
)


def load_set(path: Path) -> List[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def clarification_topics(parse: dict, limit: int = 3) -> List[str]:
    """The topics "Did you mean" offers: the ResponseSelector's best, as actions/faq.py does."""
    from actions.faq import likeliest_topics

    return [f"faq/{t}" for t in likeliest_topics(parse, limit)]


def outcome(row: dict, parse: dict) -> str:
    acceptable = set(row.get("acceptable") or [row["label"]])
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent in DECLINED:
        return "declined (right)" if row["label"] in NOT_ANSWERABLE else "declined (wrong)"
    if row["label"] in NOT_ANSWERABLE:
        return "wrong answer" if intent != FAQ_CLARIFY_INTENT else "declined (right)"
    if intent == FAQ_CLARIFY_INTENT:
        offered = set(clarification_topics(parse))
        return "right clarification" if offered & acceptable else "wrong answer"
    if intent == FAQ_INTENT:
        selector = ((parse.get("response_selector") or {}).get(FAQ_INTENT) or {}).get("response")
        predicted = (selector or {}).get("intent_response_key") or FAQ_INTENT
        return "right answer" if predicted in acceptable else "wrong answer"
    return "right answer" if intent in acceptable else "wrong answer"


@dataclass
class VisitorResult:
    name: str
    outcomes: Counter = field(default_factory=Counter)
    per_label: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    rows: List[dict] = field(default_factory=list)
    parse_ms: List[float] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())

    def share(self, *names: str) -> float:
        return sum(self.outcomes[n] for n in names) / self.total if self.total else 0.0

    def summary(self) -> Dict[str, object]:
        faq_rows = [r for r in self.rows if r["label"].startswith("faq/")]
        oos = [r for r in self.rows if r["label"] == "out_of_scope"]
        return {
            "set": self.name,
            "messages": self.total,
            **{name: self.outcomes[name] for name in OUTCOMES},
            "right answer or right clarification": round(
                self.share("right answer", "right clarification", "declined (right)"), 4
            ),
            "right answer": round(self.share("right answer", "declined (right)"), 4),
            "wrong answer": round(self.share("wrong answer"), 4),
            "faq messages": len(faq_rows),
            "out-of-scope declined": f"{sum(r['outcome'] == 'declined (right)' for r in oos)}"
            f"/{len(oos)}",
            # Visitor sets hold no crisis messages: every crisis reply or check-in is a false alarm.
            "crisis reply": sum(
                r["intent"] in (CRISIS_INTENT, CRISIS_IMMINENT_INTENT) for r in self.rows
            ),
            "check-in": sum(r["intent"] == CRISIS_CHECK_INTENT for r in self.rows),
        }


def evaluate(model: Path, rows: Sequence[dict], name: str) -> VisitorResult:
    result = VisitorResult(name)
    for row, (parse, ms) in zip(rows, parse_each(model, [r["text"] for r in rows])):
        result.parse_ms.append(ms)
        got = outcome(row, parse)
        result.outcomes[got] += 1
        result.per_label[row["label"]][got] += 1
        intent = (parse.get("intent") or {}).get("name")
        selector = ((parse.get("response_selector") or {}).get(FAQ_INTENT) or {}).get(
            "response"
        ) or {}
        top, second = topic_confidences(parse.get("response_selector"))
        result.rows.append(
            {
                **row,
                "outcome": got,
                "intent": intent,
                "topic": selector.get("intent_response_key"),
                "top": top,
                "second": second,
                "offered": clarification_topics(parse),
            }
        )
    return result


def gate_grid(rows: Sequence[dict]) -> List[Dict[str, float]]:
    """Outcomes the FAQ gate would give with other thresholds (from one evaluation's rows)."""
    grid = []
    for min_confidence in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        for min_margin in (0.0, 0.05, 0.1, 0.2):
            counts: Counter = Counter()
            for row in rows:
                if row["intent"] in (FAQ_INTENT, FAQ_CLARIFY_INTENT) and row["top"] is not None:
                    unsure = (
                        row["top"] < min_confidence
                        or row["top"] - (row["second"] or 0.0) < min_margin
                    )
                    acceptable = set(row.get("acceptable") or [row["label"]])
                    if row["label"] in NOT_ANSWERABLE:
                        got = "declined (right)" if unsure else "wrong answer"
                    elif unsure:
                        got = (
                            "right clarification"
                            if set(row["offered"]) & acceptable
                            else "wrong answer"
                        )
                    else:
                        got = "right answer" if row["topic"] in acceptable else "wrong answer"
                else:
                    got = row["outcome"]
                counts[got] += 1
            total = sum(counts.values())
            grid.append(
                {
                    "min_confidence": min_confidence,
                    "min_margin": min_margin,
                    "right": (counts["right answer"] + counts["declined (right)"]) / total,
                    "right_or_clarified": (
                        counts["right answer"]
                        + counts["declined (right)"]
                        + counts["right clarification"]
                    )
                    / total,
                    "wrong": counts["wrong answer"] / total,
                }
            )
    return grid


def render(results: Sequence[VisitorResult], command: str, model: Path) -> str:
    lines = [
        "# Visitor sets: answers, clarifications, declines",
        "",
        f"Model `{model.name}`. Command: `{command}`. Outcomes as defined in ml/evaluate_visitors.py.",
        "",
        "| set | messages | right answer | right clarification | declined (right) | "
        "declined (wrong) | wrong answer | right or clarified | out-of-scope declined | "
        "crisis reply / check-in |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s = r.summary()
        lines.append(
            f"| {r.name} | {r.total} | {s['right answer']:.1%} | "
            f"{r.outcomes['right clarification']} | {r.outcomes['declined (right)']} | "
            f"{r.outcomes['declined (wrong)']} | {r.outcomes['wrong answer']} "
            f"({s['wrong answer']:.1%}) | {s['right answer or right clarification']:.1%} | "
            f"{s['out-of-scope declined']} | {s['crisis reply']} / {s['check-in']} |"
        )
    for r in results:
        lines += [
            "",
            f"## Per label: {r.name}",
            "",
            "| label | messages | right | clarified | declined | wrong |",
            "|---|---|---|---|---|---|",
        ]
        for label, counts in sorted(r.per_label.items()):
            lines.append(
                f"| {label} | {sum(counts.values())} | {counts['right answer']} | "
                f"{counts['right clarification']} | "
                f"{counts['declined (right)'] + counts['declined (wrong)']} | "
                f"{counts['wrong answer']} |"
            )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        help="a visitor set (JSON lines); default: the development set",
    )
    parser.add_argument("--name", action="append", help="a name for each --set")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--report", type=Path, help="write a Markdown report here")
    parser.add_argument("--errors", action="store_true", help="print every wrong message")
    parser.add_argument(
        "--tune-gate",
        action="store_true",
        help="print outcomes for a grid of FAQ-gate thresholds (development set only)",
    )
    args = parser.parse_args(argv)
    os.chdir(PROJECT_ROOT)
    if args.model is None:
        from ml import train

        args.model = train.train()
    sets = args.set or [DEV_SET]
    names = args.name or [p.stem for p in sets]
    results = [evaluate(args.model, load_set(p), n) for p, n in zip(sets, names)]
    for r in results:
        print(json.dumps(r.summary()))
        if args.errors:
            for row in r.rows:
                if row["outcome"] in ("wrong answer", "declined (wrong)"):
                    print(
                        f"  {row['outcome']:16s} {row['label']:28s} -> {row['intent']} "
                        f"{row['topic']}  | {row['text'][:100]}"
                    )
    if args.tune_gate:
        for r in results:
            for g in gate_grid(r.rows):
                print(
                    f"  gate conf>={g['min_confidence']:.2f} margin>={g['min_margin']:.2f}: "
                    f"right {g['right']:.1%}  right-or-clarified {g['right_or_clarified']:.1%}  "
                    f"wrong {g['wrong']:.1%}"
                )
    if args.report:
        command = "python -m ml.evaluate_visitors " + " ".join(argv or sys.argv[1:])
        args.report.write_text(render(results, command, args.model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
