"""Soak test (issue 8): N concurrent visitors for D seconds against ONE Rasa server.

The single-machine set-up of `make run` (SQLite tracker store, in-memory lock store,
one action server), started by servers.Stack on free ports with a temporary data
directory. The visitors are load.py's scripted chats; this module also keeps, per
message, when it was sent (for per-minute latency, so drift shows) and, per
conversation, what was sent (to check the tracker store afterwards: no lost and no
duplicated events). Server memory is sampled every few seconds; growth is measured
from the end of a warm-up minute to the end of the run.

`python -m bench.soak [--visitors 50 --seconds 600 --out docs/reports/benchmarks]`
or `python -m bench --only soak [--soak-visitors 50 --soak-seconds 600]`
writes soak.md, soak.png and soak.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import quote

from bench import load, report, servers
from clinic_core.settings import PROJECT_ROOT

DEFAULT_OUT = PROJECT_ROOT / "docs" / "reports" / "benchmarks"
RSS_EVERY_S = 5.0
TRACKER_FETCHES_AT_ONCE = 4
MAX_GROWTH = 0.10


def bucket_seconds(duration_s: float) -> float:
    """A minute per bucket; shorter runs (the CI version) get four buckets."""
    return 60.0 if duration_s >= 180 else max(5.0, duration_s / 4)


@dataclass
class SoakRun:
    """Everything measured during the run (load.LevelResult holds the latency totals)."""

    level: load.LevelResult
    sent_at_s: List[float] = field(default_factory=list)  # parallel to level.latencies_ms
    error_at_s: List[Tuple[float, str]] = field(default_factory=list)
    sent: Dict[str, List[str]] = field(default_factory=dict)  # sender id -> texts, in order
    rss: List[Tuple[float, int, int]] = field(default_factory=list)  # (s, rasa, action) bytes


async def _visitor(
    session,
    url: str,
    name: str,
    started: float,
    deadline: float,
    rng: random.Random,
    questions: Sequence[str],
    run: SoakRun,
) -> None:
    import aiohttp

    number = 0
    while time.monotonic() < deadline:
        number += 1
        run.level.conversations += 1
        sender = f"{name}-c{number}"
        texts = run.sent.setdefault(sender, [])
        for text in load.conversation_script(rng, questions):
            if time.monotonic() >= deadline:
                return
            texts.append(text)
            sent_at = time.monotonic()
            error: Optional[str] = None
            try:
                async with session.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
                ) as response:
                    body = (
                        await response.json(content_type=None) if response.status == 200 else None
                    )
                    if response.status != 200:
                        error = f"HTTP {response.status}"
                    elif not isinstance(body, list) or not body:
                        error = "empty reply"
                    run.level.latencies_ms.append((time.monotonic() - sent_at) * 1000)
                    run.sent_at_s.append(sent_at - started)
            except asyncio.TimeoutError:
                error = "timeout"
            except (aiohttp.ClientError, ValueError) as exception:
                error = type(exception).__name__
            if error:
                run.level.errors[error] += 1
                run.error_at_s.append((sent_at - started, error))


async def _sample_rss(
    rasa_pid: int, action_pid: int, started: float, run: SoakRun, stop: asyncio.Event
) -> None:
    while True:
        rasa_rss = servers.rss_bytes_of_group(rasa_pid)
        action_rss = servers.rss_bytes_of_group(action_pid)
        run.rss.append((time.monotonic() - started, rasa_rss, action_rss))
        run.level.rasa_rss_peak = max(run.level.rasa_rss_peak, rasa_rss)
        run.level.action_rss_peak = max(run.level.action_rss_peak, action_rss)
        if stop.is_set():
            return
        try:
            await asyncio.wait_for(stop.wait(), timeout=RSS_EVERY_S)
        except asyncio.TimeoutError:
            pass


async def run_visitors(
    url: str, visitors: int, duration_s: float, rasa_pid: int, action_pid: int, seed: int = 8
) -> SoakRun:
    """`visitors` concurrent scripted visitors, each with unique sender ids, for `duration_s`."""
    import aiohttp

    run = SoakRun(level=load.LevelResult(concurrency=visitors, servers=1))
    questions = load.faq_questions()
    stop = asyncio.Event()
    started = time.monotonic()
    sampler = asyncio.create_task(_sample_rss(rasa_pid, action_pid, started, run, stop))
    timeout = aiohttp.ClientTimeout(total=load.REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(
        timeout=timeout, connector=aiohttp.TCPConnector(limit=0)
    ) as session:
        await asyncio.gather(
            *(
                _visitor(
                    session,
                    url,
                    f"soak-{seed}-{i}",
                    started,
                    started + duration_s,
                    random.Random(seed * 1000 + i),
                    questions,
                    run,
                )
                for i in range(visitors)
            )
        )
    run.level.seconds = time.monotonic() - started
    stop.set()
    await sampler
    return run


def conversation_problems(sent: Sequence[str], events: Sequence[dict]) -> List[str]:
    """What is wrong with a stored conversation: user messages must equal `sent`, in order,
    each followed by at least one bot message."""
    stored = [str(event.get("text")) for event in events if event.get("event") == "user"]
    problems = []
    if stored != list(sent):
        missing = Counter(sent) - Counter(stored)
        extra = Counter(stored) - Counter(sent)
        problems.append(
            f"user messages differ: sent {len(sent)}, stored {len(stored)}"
            + (f", lost {sorted(missing.elements())}" if missing else "")
            + (f", duplicated/unexpected {sorted(extra.elements())}" if extra else "")
            + ("" if missing or extra else ", order differs")
        )
    answered, waiting = 0, False
    for event in events:
        if event.get("event") == "user":
            waiting = True
        elif event.get("event") == "bot" and waiting:
            answered, waiting = answered + 1, False
    if answered < len(stored):
        problems.append(f"{len(stored) - answered} of {len(stored)} user messages got no bot reply")
    return problems


async def check_trackers(url: str, token: str, sent: Dict[str, List[str]]) -> Dict[str, List[str]]:
    """Fetch every conversation's full tracker (all sessions) and check it; sender -> problems."""
    import aiohttp

    gate = asyncio.Semaphore(TRACKER_FETCHES_AT_ONCE)
    found: Dict[str, List[str]] = {}

    async def check(session, sender: str, texts: List[str]) -> None:
        async with gate:
            try:
                async with session.get(
                    f"{url}/conversations/{quote(sender)}/tracker",
                    params={"include_events": "ALL", "token": token},
                ) as reply:
                    if reply.status != 200:
                        found[sender] = [f"tracker HTTP {reply.status}"]
                        return
                    tracker = await reply.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                found[sender] = [f"tracker fetch failed: {type(error).__name__}"]
                return
        problems = conversation_problems(texts, tracker.get("events") or [])
        if problems:
            found[sender] = problems

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        await asyncio.gather(
            *(check(session, sender, texts) for sender, texts in sent.items() if texts)
        )
    return found


def summarise(
    run: SoakRun, problems: Dict[str, List[str]], warmup_s: float, bucket_s: float
) -> dict:
    """The JSON-able results: totals, per-bucket latency and errors, memory, event check."""
    buckets: List[dict] = []
    count = max(1, int(run.level.seconds // bucket_s))
    for index in range(count):
        # The last bucket also takes the replies that came in after the deadline.
        start, end = index * bucket_s, (index + 1) * bucket_s if index < count - 1 else float("inf")
        part = load.LevelResult(concurrency=run.level.concurrency, servers=1)
        part.latencies_ms = [
            ms for at, ms in zip(run.sent_at_s, run.level.latencies_ms) if start <= at < end
        ]
        samples = [row for row in run.rss if row[0] < end] or run.rss[:1]
        buckets.append(
            {
                "start_s": start,
                "messages": len(part.latencies_ms),
                "errors": sum(1 for at, _ in run.error_at_s if start <= at < end),
                "p50_ms": part.percentile(50),
                "p95_ms": part.percentile(95),
                "p99_ms": part.percentile(99),
                "rasa_rss_mb": samples[-1][1] / 1e6,
                "action_rss_mb": samples[-1][2] / 1e6,
            }
        )
    warm = next((row for row in run.rss if row[0] >= warmup_s), run.rss[-1])
    end = run.rss[-1]

    def growth(column: int) -> Optional[float]:
        return (end[column] - warm[column]) / warm[column] if warm[column] else None

    checked = sum(1 for texts in run.sent.values() if texts)
    return {
        **run.level.to_dict(),
        "bucket_s": bucket_s,
        "buckets": buckets,
        "memory": {
            "warmup_s": warmup_s,
            "warm_at_s": round(warm[0], 1),
            "rasa_warm_mb": warm[1] / 1e6,
            "rasa_end_mb": end[1] / 1e6,
            "rasa_growth": growth(1),
            "action_warm_mb": warm[2] / 1e6,
            "action_end_mb": end[2] / 1e6,
            "action_growth": growth(2),
            "samples": [[round(t, 1), r / 1e6, a / 1e6] for t, r, a in run.rss],
        },
        "events": {
            "conversations_checked": checked,
            "messages_checked": sum(len(texts) for texts in run.sent.values()),
            "conversations_with_problems": len(problems),
            "problems": dict(list(problems.items())[:20]),
        },
    }


def run_soak(model: Path, visitors: int, duration_s: float) -> dict:
    """Start the single-machine stack, soak it, check every conversation, stop it."""
    bucket_s = bucket_seconds(duration_s)
    with tempfile.TemporaryDirectory(prefix="soak-stack-") as run_dir:
        deployment = servers.Stack(Path(run_dir), model)
        try:
            print("  starting the action server and the Rasa server ...", flush=True)
            cold_start = deployment.start()
            print(
                f"    first correct answer after {cold_start:.1f} s; {visitors} visitors for "
                f"{duration_s:.0f} s ...",
                flush=True,
            )
            url = deployment.urls[0]
            run = asyncio.run(
                run_visitors(
                    url,
                    visitors,
                    duration_s,
                    deployment.rasa_pids()[0],
                    deployment.action_pid() or 0,
                )
            )
            print(
                f"    {len(run.level.latencies_ms)} messages, errors {dict(run.level.errors)}; "
                f"checking {len(run.sent)} stored conversations ...",
                flush=True,
            )
            checked_at = time.monotonic()
            problems = asyncio.run(check_trackers(url, servers.TOKEN, run.sent))
            check_s = time.monotonic() - checked_at
        finally:
            deployment.stop()
    results = summarise(run, problems, bucket_s, bucket_s)
    results.update(cold_start_s=round(cold_start, 1), tracker_check_s=round(check_s, 1))
    return results


def plot(results: dict, path: Path) -> None:
    """Rasa and action server RSS over time, and p95 per bucket, on one time axis."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    samples = results["memory"]["samples"]
    minutes = [row[0] / 60 for row in samples]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6), sharex=True)
    top.plot(minutes, [row[1] for row in samples], label="Rasa server")
    top.plot(minutes, [row[2] for row in samples], label="action server")
    top.axvline(results["memory"]["warm_at_s"] / 60, color="grey", linewidth=0.8)
    top.set_ylabel("RSS (MB)")
    top.set_ylim(bottom=0)
    top.set_title(
        f"Soak: {results['concurrency']} visitors, {results['seconds'] / 60:.1f} min "
        "(grey: end of warm-up)"
    )
    top.legend(fontsize=8)
    rows = [row for row in results["buckets"] if row["p95_ms"] is not None]
    middle = [(row["start_s"] + results["bucket_s"] / 2) / 60 for row in rows]
    for key, style in (("p50_ms", "o-"), ("p95_ms", "s--"), ("p99_ms", "^:")):
        bottom.plot(middle, [row[key] for row in rows], style, label=key[:3])
    bottom.set_ylabel(f"latency per {results['bucket_s']:.0f} s (ms)")
    bottom.set_xlabel("minutes since the visitors started")
    bottom.set_ylim(bottom=0)
    bottom.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _mb(value: float) -> str:
    return f"{value:.0f} MB"


def _pct(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:+.1%}"


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _peak_at(memory: dict, column: int) -> float:
    return max(memory["samples"], key=lambda row: row[column])[0]


def render(results: dict, plot_name: str = "soak.png") -> str:
    memory, events, machine = results["memory"], results["events"], results["machine"]
    lost = events["conversations_with_problems"]
    growth = memory["rasa_growth"] or 0.0
    action_growth = memory["action_growth"] or 0.0
    lines = [
        f"## Soak test: {results['concurrency']} concurrent visitors for "
        f"{results['seconds'] / 60:.1f} minutes, one machine",
        "",
        f"Command: `{results['command']}` — {results['date']} UTC. Machine: "
        f"{machine.get('cores')} cores, {machine.get('memory_gb')} GB RAM, {machine.get('cpu')}, "
        f"Rasa {machine.get('rasa')}; load average before the run {results['load_before']}, "
        f"after {results['load_after']}.",
        "",
        "The single-machine set-up of `make run`: one Rasa server (SQLite tracker store, in-memory "
        "lock store) and one action server, started by `bench/servers.py` on free ports with "
        "a temporary data directory. Each visitor runs `bench/load.py`'s scripted chats back to "
        "back without think time (greeting, 2-3 held-out FAQ questions, the call-back form with one "
        "invalid phone number, goodbye), each chat under its own sender id. An error is a non-200 "
        f"reply, an empty reply list, a client exception or no reply within "
        f"{load.REQUEST_TIMEOUT_S} s. After the run every conversation's tracker is fetched "
        "(`GET /conversations/<id>/tracker?include_events=ALL`) and its user messages must equal "
        "exactly what the visitor sent, in order, each followed by a bot message. Memory growth is "
        f"from the first RSS sample after the warm-up ({memory['warm_at_s']:.0f} s) to the last one.",
        "",
        "| target | wanted | measured | met? |",
        "|---|---|---|---|",
        f"| errors | 0 | {results['errors']} of {results['messages']} messages"
        f"{' ' + json.dumps(results['error_kinds']) if results['errors'] else ''} | "
        f"{_met(results['errors'] == 0)} |",
        f"| conversations with lost, duplicated or unanswered messages | 0 | {lost} of "
        f"{events['conversations_checked']} ({events['messages_checked']} messages) | {_met(lost == 0)} |",
        f"| Rasa server memory growth after warm-up | < 10% | {_mb(memory['rasa_warm_mb'])} → "
        f"{_mb(memory['rasa_end_mb'])} ({_pct(memory['rasa_growth'])}) | {_met(growth < MAX_GROWTH)} |",
        f"| action server memory growth after warm-up | < 10% | {_mb(memory['action_warm_mb'])} → "
        f"{_mb(memory['action_end_mb'])} ({_pct(memory['action_growth'])}) | "
        f"{_met(action_growth < MAX_GROWTH)} |",
        "",
        f"{results['conversations']} conversations, {results['messages']} messages, "
        f"{results['messages_per_s']:.1f} messages/s; p50 {results['p50_ms'] or 0:.0f} ms, p95 "
        f"{results['p95_ms'] or 0:.0f} ms, p99 {results['p99_ms'] or 0:.0f} ms over the whole run. "
        f"Peak RSS: Rasa server {_mb(results['rasa_rss_mb'])} (at {_peak_at(memory, 1):.0f} s), "
        f"action server {_mb(results['action_rss_mb'])}. Visitors send without think time on the "
        "same cores as the servers, so latency follows how busy the machine is (load average "
        "above), not only the servers. Start-up to first correct answer "
        f"{results['cold_start_s']:.0f} s; tracker check {results['tracker_check_s']:.0f} s.",
        "",
        "| from (s) | messages | errors | p50 ms | p95 ms | p99 ms | Rasa RSS | action RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in results["buckets"]:
        cells = [
            f"{row[key]:.0f}" if row[key] is not None else "-"
            for key in ("p50_ms", "p95_ms", "p99_ms")
        ]
        lines.append(
            f"| {row['start_s']:.0f} | {row['messages']} | {row['errors']} | "
            f"{' | '.join(cells)} | {_mb(row['rasa_rss_mb'])} | {_mb(row['action_rss_mb'])} |"
        )
    lines += ["", "RSS is sampled at the end of each period.", ""]
    if events["problems"]:
        lines += ["Conversations with problems (first 20):", ""]
        lines += [
            f"- `{sender}`: {'; '.join(found)}" for sender, found in events["problems"].items()
        ]
        lines.append("")
    lines += [f"![RSS and latency over the soak]({plot_name})", ""]
    return "\n".join(lines)


def write_report(results: dict, out_dir: Path) -> Path:
    """soak.json, soak.png and soak.md in `out_dir`; returns the markdown file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "soak.json").write_text(json.dumps(results, indent=1))
    plot(results, out_dir / "soak.png")
    markdown = out_dir / "soak.md"
    markdown.write_text(render(results))
    return markdown


def run_and_report(visitors: int, duration_s: float, out_dir: Path, command: str) -> int:
    """The whole soak test; 1 if any message failed or any conversation was not stored exactly."""
    from ml import train

    os.chdir(PROJECT_ROOT)  # the NLU config names the spaCy pipeline by a relative path
    load_before = report.machine().get("load_average")
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")
    results = run_soak(train.train(), visitors, duration_s)
    machine = report.machine()
    results.update(
        command=command,
        date=date,
        machine=machine,
        load_before=load_before,
        load_after=machine.get("load_average"),
    )
    markdown = write_report(results, out_dir)
    memory = results["memory"]
    print(
        f"  {results['messages']} messages, {results['errors']} errors, "
        f"{results['events']['conversations_with_problems']} conversations with lost events; "
        f"Rasa RSS {memory['rasa_warm_mb']:.0f} -> {memory['rasa_end_mb']:.0f} MB "
        f"({_pct(memory['rasa_growth'])}); wrote {markdown}",
        flush=True,
    )
    return (
        0 if results["errors"] == 0 and not results["events"]["conversations_with_problems"] else 1
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--visitors", type=int, default=50, help="concurrent visitors (50)")
    parser.add_argument("--seconds", type=float, default=600, help="length of the run (600)")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="directory for soak.md, soak.png, soak.json (docs/reports/benchmarks)",
    )
    args = parser.parse_args(argv)
    given = sys.argv[1:] if argv is None else argv
    command = "python -m bench.soak" + "".join(f" {shlex.quote(a)}" for a in given)
    return run_and_report(args.visitors, args.seconds, args.out, command)


if __name__ == "__main__":
    sys.exit(main())
