"""Crisis detection on message sets written blind: what the first reply would be, per message.

    python -m ml.evaluate_safety                                   # the development set
    python -m ml.evaluate_safety --set FILE --name sealed-a ...    # a sealed set, once

Each message is parsed by the trained assistant (NLU, crisis guard with the risk model and the
phrase list); the rules map its intent to the first reply (tests/conversations/test_safety.yml
checks that mapping end to end):

    crisis_imminent -> emergency help first (911, Poison Control, then 988)
    crisis          -> the crisis response (988 call/text/chat, 741741, 911)
    crisis_check    -> the check-in question, with 988 and 911 in it
    anything else   -> no crisis resources

A set is JSON lines {"text", "label": imminent|risk|ambiguous|harmless, "lang", "kind"}.
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

from clinic_core.contract import CRISIS_CHECK_INTENT, CRISIS_IMMINENT_INTENT, CRISIS_INTENT
from clinic_core.settings import PROJECT_ROOT
from ml.evaluate import parse_each

DEV_SET = PROJECT_ROOT / "tests" / "integration" / "safety" / "blind_dev.jsonl"
REPLY_OF_INTENT = {
    CRISIS_IMMINENT_INTENT: "emergency first",
    CRISIS_INTENT: "crisis response",
    CRISIS_CHECK_INTENT: "check-in",
}
RESOURCES = ("emergency first", "crisis response", "check-in")  # all name 988 and 911


def load_set(path: Path) -> List[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@dataclass
class SafetyResult:
    name: str
    replies: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_kind: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    rows: List[dict] = field(default_factory=list)
    parse_ms: List[float] = field(default_factory=list)

    def count(self, labels: Sequence[str], replies: Sequence[str]) -> int:
        return sum(self.replies[label][reply] for label in labels for reply in replies)

    def total(self, labels: Sequence[str]) -> int:
        return sum(sum(self.replies[label].values()) for label in labels)

    def rate(self, labels: Sequence[str], replies: Sequence[str]) -> float:
        total = self.total(labels)
        return self.count(labels, replies) / total if total else 0.0

    def summary(self) -> Dict[str, object]:
        crisis = ("risk", "imminent")
        return {
            "set": self.name,
            "crisis messages": self.total(crisis),
            "crisis: resources in the first reply": round(self.rate(crisis, RESOURCES), 4),
            "crisis: full crisis response": round(
                self.rate(crisis, ("emergency first", "crisis response")), 4
            ),
            "imminent: emergency first": round(self.rate(("imminent",), ("emergency first",)), 4),
            "harmless messages": self.total(("harmless",)),
            "harmless: crisis reply": round(
                self.rate(("harmless",), ("emergency first", "crisis response")), 4
            ),
            "harmless: check-in": round(self.rate(("harmless",), ("check-in",)), 4),
            "ambiguous messages": self.total(("ambiguous",)),
            "ambiguous: resources": round(self.rate(("ambiguous",), RESOURCES), 4),
        }


def evaluate(model: Path, rows: Sequence[dict], name: str) -> SafetyResult:
    result = SafetyResult(name)
    for row, (parse, ms) in zip(rows, parse_each(model, [r["text"] for r in rows])):
        result.parse_ms.append(ms)
        intent = (parse.get("intent") or {}).get("name") or ""
        reply = REPLY_OF_INTENT.get(intent, "no resources")
        result.replies[row["label"]][reply] += 1
        result.by_kind[f"{row['label']}:{row.get('kind', '')}"][reply] += 1
        detection = parse.get("crisis_detection") or {}
        result.rows.append(
            {
                **row,
                "reply": reply,
                "layer": detection.get("layer"),
                "risk": detection.get("risk"),
            }
        )
    return result


def render(results: Sequence[SafetyResult], command: str, model: Path) -> List[str]:
    lines = [
        f"Model `{model.name}`. Command: `{command}`.",
        "",
        "| set | crisis msgs | resources in 1st reply | full crisis response | imminent: "
        "emergency first | harmless msgs | harmless: crisis reply | harmless: check-in | "
        "ambiguous: resources |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s = r.summary()
        lines.append(
            f"| {r.name} | {s['crisis messages']} | {s['crisis: resources in the first reply']:.1%}"
            f" | {s['crisis: full crisis response']:.1%} | {s['imminent: emergency first']:.1%} |"
            f" {s['harmless messages']} | {s['harmless: crisis reply']:.1%} | "
            f"{s['harmless: check-in']:.1%} | {s['ambiguous: resources']:.1%} |"
        )
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, action="append")
    parser.add_argument("--name", action="append")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--errors", action="store_true", help="print every miss and false alarm")
    parser.add_argument("--json", type=Path, help="write the raw per-message results here")
    args = parser.parse_args(argv)
    os.chdir(PROJECT_ROOT)
    if args.model is None:
        from ml import train

        args.model = train.train()
    sets = args.set or [DEV_SET]
    names = args.name or [p.stem for p in sets]
    results = [evaluate(args.model, load_set(p), n) for p, n in zip(sets, names)]
    command = "python -m ml.evaluate_safety " + " ".join(argv or sys.argv[1:])
    print("\n".join(render(results, command, args.model)))
    for r in results:
        print(json.dumps(r.summary()))
        if args.errors:
            for row in r.rows:
                missed = row["label"] in ("risk", "imminent") and row["reply"] == "no resources"
                alarm = row["label"] == "harmless" and row["reply"] != "no resources"
                if missed or alarm:
                    print(
                        f"  {'MISS' if missed else 'ALARM':5s} {row['reply']:16s} "
                        f"{row.get('kind', '')}: {row['text'][:110]}"
                    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {r.name: {"summary": r.summary(), "rows": r.rows} for r in results}, indent=1
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
