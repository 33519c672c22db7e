"""Simulated visitors over the REST channel: multi-turn chats at a fixed concurrency.

Each visitor runs whole conversations back to back (no think time, so the level's
messages/s is what the servers can do): a greeting, two or three FAQs, the
call-back form with one invalid phone number, and goodbye. A visitor always talks
to the same Rasa server (the in-memory lock store is per process).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence

from bench import corpus
from bench.servers import rss_bytes_of_group

# The call-back form's questions in order (tests/conversations/test_booking.yml):
# first name, phone or email (one invalid answer first), good times, consent.
BOOKING_TURNS = (
    "could someone call me back please",
    "Maria",
    "555 01",
    "212 555 0147",
    "weekday mornings",
    "yes",
)
GREETINGS = ("hello", "hi there", "good morning")
GOODBYES = ("bye", "thanks, goodbye", "that's all, bye")
REQUEST_TIMEOUT_S = 30


def faq_questions() -> List[str]:
    """Realistic FAQ phrasings: the held-out ones, which the model was never trained on."""
    return [text for text, label in corpus.heldout_examples() if label.startswith("faq/")]


def conversation_script(rng: random.Random, questions: Sequence[str]) -> List[str]:
    return [
        rng.choice(GREETINGS),
        *rng.sample(list(questions), rng.choice((2, 3))),
        *BOOKING_TURNS,
        rng.choice(GOODBYES),
    ]


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile of a non-empty sample, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class LevelResult:
    concurrency: int
    servers: int
    seconds: float = 0.0
    conversations: int = 0
    latencies_ms: List[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    rasa_rss_peak: int = 0
    action_rss_peak: int = 0

    def percentile(self, p: float) -> Optional[float]:
        return percentile(self.latencies_ms, p) if self.latencies_ms else None

    def to_dict(self) -> dict:
        messages = len(self.latencies_ms)
        return {
            "concurrency": self.concurrency,
            "servers": self.servers,
            "seconds": round(self.seconds, 2),
            "conversations": self.conversations,
            "messages": messages,
            "messages_per_s": messages / self.seconds if self.seconds else 0.0,
            "p50_ms": self.percentile(50),
            "p95_ms": self.percentile(95),
            "p99_ms": self.percentile(99),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "rasa_rss_mb": self.rasa_rss_peak / 1e6,
            "action_rss_mb": self.action_rss_peak / 1e6,
        }


async def _visitor(
    session,
    url: str,
    name: str,
    deadline: float,
    budget: List[int],
    rng: random.Random,
    questions: Sequence[str],
    result: LevelResult,
) -> None:
    import aiohttp

    number = 0
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        number += 1
        result.conversations += 1
        sender = f"{name}-c{number}"
        for text in conversation_script(rng, questions):
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                async with session.post(
                    f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
                ) as response:
                    body = (
                        await response.json(content_type=None) if response.status == 200 else None
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status != 200:
                        result.errors[f"HTTP {response.status}"] += 1
                    elif not isinstance(body, list) or not body:
                        result.errors["empty reply"] += 1
                    result.latencies_ms.append(elapsed)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
                result.errors[type(error).__name__] += 1


async def _sample_rss(
    rasa_pids: Sequence[int], action_pid: Optional[int], result: LevelResult, stop: asyncio.Event
) -> None:
    while not stop.is_set():
        result.rasa_rss_peak = max(
            result.rasa_rss_peak, max((rss_bytes_of_group(pid) for pid in rasa_pids), default=0)
        )
        if action_pid:
            result.action_rss_peak = max(result.action_rss_peak, rss_bytes_of_group(action_pid))
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except asyncio.TimeoutError:
            pass


async def run_level_async(
    urls: Sequence[str],
    concurrency: int,
    duration_s: float,
    max_conversations: int,
    rasa_pids: Sequence[int] = (),
    action_pid: Optional[int] = None,
    seed: int = 7,
    label: str = "v",
) -> LevelResult:
    """`concurrency` visitors for `duration_s` seconds (at most `max_conversations` chats)."""
    import aiohttp

    result = LevelResult(concurrency=concurrency, servers=len(urls))
    questions = faq_questions()
    budget = [max_conversations]
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(rasa_pids, action_pid, result, stop))
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=0)
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(
            *(
                _visitor(
                    session,
                    urls[i % len(urls)],
                    f"bench-{label}{concurrency}-{i}",
                    started + duration_s,
                    budget,
                    random.Random(seed * 1000 + i),
                    questions,
                    result,
                )
                for i in range(concurrency)
            )
        )
    result.seconds = time.monotonic() - started
    stop.set()
    await sampler
    return result


def run_level(*args, **kwargs) -> LevelResult:
    return asyncio.run(run_level_async(*args, **kwargs))


def run_levels(
    urls: Sequence[str],
    levels: Sequence[int],
    duration_s: float,
    max_conversations: int,
    rasa_pids: Sequence[int],
    action_pid: Optional[int],
    label: str = "v",
) -> List[Dict]:
    results = []
    for concurrency in levels:
        print(
            f"  {concurrency} concurrent visitor(s) on {len(urls)} server(s) for "
            f"{duration_s:.0f} s ...",
            flush=True,
        )
        level = run_level(
            urls, concurrency, duration_s, max_conversations, rasa_pids, action_pid, label=label
        )
        row = level.to_dict()
        print(
            f"    {row['messages']} messages, {row['messages_per_s']:.1f}/s, p95 "
            f"{row['p95_ms'] or 0:.0f} ms, errors {row['errors']}",
            flush=True,
        )
        results.append(row)
    return results
