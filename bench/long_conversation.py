"""The cost of a message as one conversation grows: turn 1 against turn 200.

`make bench ARGS="--only long"` (or `python -m bench.long_conversation`). One visitor asks
FAQ questions, one after the other, in one conversation of TURNS messages, against the
single-machine set-up (servers.Stack, like `make run`); the reply time of each turn is
measured. Run twice: with the session cap (MAX_SESSION_TURNS, the default 10) and without
it (0), so the report shows what the cap does. The goal: the median of the last 10 turns
within 20 % of the median of the first 10.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from bench import load, servers

GOAL_RATIO = 1.2
WINDOW = 10


def measure(turns: int, max_session_turns: int) -> Dict[str, object]:
    from ml import train

    questions = load.faq_questions()
    with tempfile.TemporaryDirectory(prefix="bench-long-") as run_dir:
        deployment = servers.Stack(
            Path(run_dir),
            train.train(),
            settings_env={"MAX_SESSION_TURNS": str(max_session_turns)},
        )
        try:
            deployment.start()
            url, sender = deployment.urls[0], f"long-{max_session_turns}-{time.time_ns()}"
            for warm in range(5):  # the first replies after start-up are slow for everyone
                servers.say(url, f"warm-{warm}", questions[warm])
            latencies: List[float] = []
            for turn in range(turns):
                started = time.perf_counter()
                reply = servers.say(url, sender, questions[turn % len(questions)], timeout=60)
                latencies.append((time.perf_counter() - started) * 1000)
                assert reply, f"no reply at turn {turn + 1}"
        finally:
            deployment.stop()
    first = statistics.median(latencies[:WINDOW])
    last = statistics.median(latencies[-WINDOW:])
    return {
        "max_session_turns": max_session_turns,
        "turns": turns,
        "first_10_median_ms": round(first, 1),
        "last_10_median_ms": round(last, 1),
        "ratio": round(last / first, 2),
        "worst_ms": round(max(latencies), 1),
        "latencies_ms": [round(x, 1) for x in latencies],
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--out", type=Path, help="write the results as JSON here")
    parser.add_argument(
        "--without-cap", action="store_true", help="also measure with MAX_SESSION_TURNS=0"
    )
    args = parser.parse_args(argv)
    runs = [measure(args.turns, int(os.environ.get("MAX_SESSION_TURNS", "10")) or 10)]
    if args.without_cap:
        runs.append(measure(args.turns, 0))
    for run in runs:
        verdict = "met" if float(run["ratio"]) <= GOAL_RATIO else "MISSED"  # type: ignore[arg-type]
        print(
            f"MAX_SESSION_TURNS={run['max_session_turns']}: turns 1-10 median "
            f"{run['first_10_median_ms']} ms, turns {args.turns - WINDOW + 1}-{args.turns} "
            f"median {run['last_10_median_ms']} ms, ratio {run['ratio']} "
            f"(goal <= {GOAL_RATIO}: {verdict}); worst {run['worst_ms']} ms"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(runs, indent=1))
    return 0 if float(runs[0]["ratio"]) <= GOAL_RATIO else 1  # type: ignore[arg-type]


if __name__ == "__main__":
    raise SystemExit(main())
