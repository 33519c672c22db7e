"""The soak test (bench/soak.py) in its short CI version: 10 visitors for 20 s.

It starts the real single-machine stack (about a minute on 2 cores, mostly Rasa's
start-up) through `python -m bench --only soak` and writes to a temporary
directory, never to docs/. Memory growth is only reported, not asserted: 20 s
says nothing about leaks, and targets are checked by the full run's numbers.
"""

from __future__ import annotations

import json

import pytest

from bench.soak import conversation_problems
from tests.bench.conftest import run_bench

VISITORS, SECONDS = 10, 20


@pytest.fixture(scope="module")
def short_soak(model_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("soak-short")
    run_bench(
        [
            "--only",
            "soak",
            "--soak-visitors",
            str(VISITORS),
            "--soak-seconds",
            str(SECONDS),
            "--out",
            str(out),
        ],
        timeout_s=400,
    )
    results_dir = out / "benchmarks"
    return results_dir, json.loads((results_dir / "soak.json").read_text())


def test_every_message_is_answered_and_stored_exactly_once(short_soak):
    _, results = short_soak
    assert results["concurrency"] == VISITORS
    assert results["errors"] == 0, results["error_kinds"]
    assert results["conversations"] >= VISITORS and results["messages"] > VISITORS
    events = results["events"]
    # Every conversation was fetched back from the tracker store and matched what was sent.
    assert events["conversations_checked"] == results["conversations"]
    assert events["messages_checked"] == results["messages"]
    assert events["conversations_with_problems"] == 0, events["problems"]


def test_latency_and_memory_are_recorded_over_time(short_soak):
    _, results = short_soak
    buckets = results["buckets"]
    assert len(buckets) == 4 and sum(row["messages"] for row in buckets) == results["messages"]
    assert all(0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] for row in buckets)
    memory = results["memory"]
    assert len(memory["samples"]) >= 4
    assert memory["rasa_warm_mb"] > 100 and memory["action_warm_mb"] > 10  # real processes
    assert memory["rasa_growth"] == pytest.approx(
        (memory["rasa_end_mb"] - memory["rasa_warm_mb"]) / memory["rasa_warm_mb"]
    )


def test_report_and_plot_are_written(short_soak):
    results_dir, results = short_soak
    markdown = (results_dir / "soak.md").read_text()
    assert f"--only soak --soak-visitors {VISITORS} --soak-seconds {SECONDS}" in markdown
    assert f"| errors | 0 | 0 of {results['messages']} messages | yes |" in markdown
    assert "Rasa server memory growth after warm-up | < 10% |" in markdown
    assert "cores" in markdown and "GB RAM" in markdown
    assert (results_dir / "soak.png").read_bytes().startswith(b"\x89PNG")


def _events(*pairs: tuple) -> list:
    return [{"event": kind, "text": text} for kind, text in pairs]


def test_a_stored_conversation_matching_what_was_sent_has_no_problems():
    events = [
        {"event": "session_started"},
        *_events(
            ("user", "hi"),
            ("bot", "Hello"),
            ("bot", "How can I help?"),
            ("user", "bye"),
            ("bot", "Goodbye"),
        ),
    ]
    assert conversation_problems(["hi", "bye"], events) == []


@pytest.mark.parametrize(
    "stored, wanted",
    [
        (_events(("user", "hi"), ("bot", "Hello")), "lost ['bye']"),
        (
            _events(
                ("user", "hi"),
                ("bot", "Hello"),
                ("user", "hi"),
                ("bot", "Hello"),
                ("user", "bye"),
                ("bot", "Goodbye"),
            ),
            "duplicated/unexpected ['hi']",
        ),
        (
            _events(("user", "bye"), ("bot", "Goodbye"), ("user", "hi"), ("bot", "Hello")),
            "order differs",
        ),
        (
            _events(("user", "hi"), ("user", "bye"), ("bot", "Goodbye")),
            "1 of 2 user messages got no bot reply",
        ),
    ],
)
def test_lost_duplicated_reordered_or_unanswered_messages_are_reported(stored, wanted):
    assert any(wanted in problem for problem in conversation_problems(["hi", "bye"], stored))
