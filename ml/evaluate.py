"""Evaluate the NLU on the held-out phrasings and by cross-validation.

`make eval` runs both and writes docs/reports/nlu-evaluation.md. The held-out file
(tests/nlu/heldout.yml) was written separately from the training data and is
never trained on. A retrieval intent counts as right only when the
ResponseSelector also picked the right FAQ topic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from clinic_core.settings import PROJECT_ROOT

HELDOUT_FILE = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
# Written by someone who had seen neither the training data nor heldout.yml, after the training
# data had been extended where heldout.yml's errors pointed: the least biased estimate of how the
# assistant does on messages from new visitors.
BLIND_FILE = PROJECT_ROOT / "tests" / "nlu" / "heldout_blind.yml"
REPORT_FILE = PROJECT_ROOT / "docs" / "reports" / "nlu-evaluation.md"
RESULTS_DIR = PROJECT_ROOT / "results"
DECLINED = {"out_of_scope", "nlu_fallback"}
ACCURACY_TARGET = 0.95


def load_examples(path: Path) -> List[Tuple[str, str]]:
    """(text, label) pairs of a Rasa NLU file; labels are full retrieval intents like faq/cost."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    pairs = []
    for message in data.intent_examples:
        label = message.get("intent")
        response_key = message.get("intent_response_key")
        pairs.append((message.get("text"), response_key or label))
    return pairs


def phrasing_key(text: str) -> str:
    """What the tokenizer sees: case and punctuation don't make a phrasing new."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


# The graded crisis intents count as `crisis`, and a "Did you mean" as its first (top) topic, so
# these older held-out figures stay comparable; ml/evaluate_visitors.py scores clarifications apart.
SAME_AS = {"crisis_imminent": "crisis", "crisis_check": "crisis", "faq_clarify": "faq"}


def predicted_label(parse: dict) -> str:
    intent = (parse.get("intent") or {}).get("name") or ""
    intent = SAME_AS.get(intent, intent)
    selector = (parse.get("response_selector") or {}).get(intent)
    if selector:
        key = (selector.get("response") or {}).get("intent_response_key")
        if key:
            return key
    return intent


@dataclass
class HeldoutResult:
    total: int = 0
    correct: int = 0
    per_label: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    confusions: Counter = field(default_factory=Counter)
    errors: List[Tuple[str, str, str]] = field(default_factory=list)
    parse_ms: List[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def add(self, text: str, expected: str, predicted: str) -> None:
        self.total += 1
        ok = predicted == expected or (expected == "out_of_scope" and predicted in DECLINED)
        self.correct += ok
        self.per_label[expected]["total"] += 1
        self.per_label[expected]["correct"] += ok
        if not ok:
            self.confusions[(expected, predicted)] += 1
            self.errors.append((text, expected, predicted))


def quiet_rasa_logs() -> None:
    """Warnings only: unconfigured, Rasa's structlog prints every parsed message at debug level,
    and a sealed set's texts must not scroll past whoever runs its one evaluation."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)


def parse_each(model: Path, texts: Sequence[str]) -> Iterator[Tuple[dict, float]]:
    """(parse result, milliseconds) of each text by the model, loaded once, in order."""
    from rasa.core.agent import Agent

    quiet_rasa_logs()
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    try:
        for text in texts:
            started = time.perf_counter()
            parse = loop.run_until_complete(agent.parse_message(text))
            yield parse, (time.perf_counter() - started) * 1000
    finally:
        loop.close()


def evaluate_heldout(model: Path, heldout: Path = HELDOUT_FILE) -> HeldoutResult:
    result = HeldoutResult()
    examples = load_examples(heldout)
    for (text, expected), (parse, ms) in zip(examples, parse_each(model, [t for t, _ in examples])):
        result.parse_ms.append(ms)
        result.add(text, expected, predicted_label(parse))
    return result


def cross_validate(folds: int, out_dir: Path) -> Optional[dict]:
    """Rasa's own NLU cross-validation on the training data; returns its intent report."""
    rasa = str(Path(sys.executable).with_name("rasa"))
    command = [
        rasa,
        "test",
        "nlu",
        "--nlu",
        "data",
        "--config",
        "config.yml",
        "--cross-validation",
        "--folds",
        str(folds),
        "--out",
        str(out_dir),
    ]
    subprocess.run(
        command, cwd=PROJECT_ROOT, check=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    )
    report = out_dir / "intent_report.json"
    return json.loads(report.read_text()) if report.exists() else None


def render_heldout(result: HeldoutResult, title: str, target: Optional[float]) -> List[str]:
    ms = sorted(result.parse_ms)
    verdict = ""
    if target is not None:
        verdict = f" (target {target:.0%}: {'met' if result.accuracy >= target else 'NOT met'})"
    lines = [
        f"## {title}",
        "",
        f"**{result.correct}/{result.total} = {result.accuracy:.1%} answered with the right topic**"
        f"{verdict}. An FAQ counts only when the ResponseSelector picked the right answer; an "
        "out-of-scope message counts when it was declined (out_of_scope or the low-confidence "
        "fallback).",
        "",
        f"Parse time per message (in-process): median {ms[len(ms) // 2]:.1f} ms, "
        f"p95 {ms[int(len(ms) * 0.95)]:.1f} ms.",
        "",
        "| label | right | total | accuracy |",
        "|---|---|---|---|",
    ]
    for label in sorted(result.per_label):
        c = result.per_label[label]
        lines.append(
            f"| {label} | {c['correct']} | {c['total']} | {c['correct'] / c['total']:.0%} |"
        )
    lines += ["", "### Confusions (expected → predicted: count)", ""]
    if result.confusions:
        lines += [f"- {e} → {p}: {n}" for (e, p), n in result.confusions.most_common()]
    else:
        lines.append("- none")
    lines += ["", "### Misclassified messages", ""]
    lines += [f'- "{t}": expected {e}, got {p}' for t, e, p in result.errors] or ["- none"]
    return lines + [""]


def render_report(
    result: HeldoutResult,
    blind: Optional[HeldoutResult],
    model: Path,
    cv: Optional[dict],
    folds: int,
    command: str,
) -> str:
    lines = [
        "# NLU evaluation",
        "",
        f"Made by `{command}` on {date.today().isoformat()} with model `{model.name}`.",
        "",
        *render_heldout(
            result, "Held-out phrasings (tests/nlu/heldout.yml, never trained on)", ACCURACY_TARGET
        ),
    ]
    if blind is not None:
        lines += render_heldout(
            blind,
            "Blind phrasings (tests/nlu/heldout_blind.yml, written without seeing the "
            "training data, never tuned against)",
            None,
        )
    if cv:
        lines += [
            f"## {folds}-fold cross-validation on the training data (intents)",
            "",
            "| intent | precision | recall | f1 | support |",
            "|---|---|---|---|---|",
        ]
        for name, scores in sorted(cv.items()):
            if isinstance(scores, dict) and "support" in scores:
                lines.append(
                    f"| {name} | {scores['precision']:.3f} | {scores['recall']:.3f} | "
                    f"{scores['f1-score']:.3f} | {scores['support']} |"
                )
        if "accuracy" in cv:
            lines.append(f"\nCross-validated intent accuracy: {cv['accuracy']:.3f}")
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Evaluate the NLU (held-out file + cross-validation)."
    )
    parser.add_argument("--model", type=Path, help="model to test (default: current trained model)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-cross-validation", action="store_true")
    parser.add_argument("--no-report", action="store_true", help="print only, don't write docs/")
    args = parser.parse_args(argv)
    os.chdir(PROJECT_ROOT)
    if args.model is None:
        from ml import train

        args.model = train.train()
    result = evaluate_heldout(args.model)
    blind = evaluate_heldout(args.model, BLIND_FILE)
    for name, scored in (("Held-out", result), ("Blind", blind)):
        print(f"{name} accuracy: {scored.correct}/{scored.total} = {scored.accuracy:.1%}")
        for text, expected, predicted in scored.errors:
            print(f"  MISS {expected:28s} -> {predicted:28s} {text}")
    cv = None
    if not args.no_cross_validation:
        cv = cross_validate(args.folds, RESULTS_DIR / "cross-validation")
    if not args.no_report:
        command = (
            "make eval" if not args.no_cross_validation else "make eval ARGS=--no-cross-validation"
        )
        REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
        REPORT_FILE.write_text(render_report(result, blind, args.model, cv, args.folds, command))
        print(f"Wrote {REPORT_FILE.relative_to(PROJECT_ROOT)}")
    return 0 if result.accuracy >= ACCURACY_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
