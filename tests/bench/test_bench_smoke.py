"""`python -m bench --smoke` end to end, so the benchmark cannot rot unnoticed.

It starts the real stack on free ports (about a minute on 2 cores, mostly Rasa's
start-up) and writes its report to a temporary directory, never to docs/.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import profiling, report
from tests.bench.conftest import run_bench


@pytest.fixture(scope="module")
def smoke_run(model_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("bench-smoke")
    run_bench(["--smoke", "--profile", "--out", str(out)], timeout_s=600)
    results = json.loads((out / "benchmarks" / "results.json").read_text())
    return out, results, (out / "benchmarks.md").read_text()


def test_peers_are_scored_on_the_heldout_and_crisis_messages(smoke_run):
    _, results, _ = smoke_run
    peers = {peer["name"]: peer for peer in results["quality"]["peers"]}
    assert {"project pipeline", "TF-IDF nearest neighbour"} <= set(peers)
    for peer in peers.values():
        assert peer["total"] > 20 and peer["crisis"][1] > 10
        assert sum(right for right, _ in peer["per_label"].values()) == peer["correct"]
        # Far above chance (1/34 labels): the labels and the scoring line up.
        assert peer["accuracy"] > 0.6 and peer["macro_f1"] > 0.5
    assert peers["project pipeline"]["crisis_recall"] > 0.9  # CrisisGuard is part of it


def test_load_levels_report_latency_throughput_and_memory(smoke_run):
    _, results, _ = smoke_run
    load = results["load"]
    assert 0 < load["cold_start_s"] < 600
    assert [row["concurrency"] for row in load["levels"]] == [1, 4]
    for row in load["levels"]:
        assert row["messages"] > 0 and row["errors"] == 0, row
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"]
        assert row["messages_per_s"] > 0
        assert row["rasa_rss_mb"] > 100 and row["action_rss_mb"] > 10  # real processes measured
    assert results["profile"]["samples"] > 0 and results["profile"]["total"]


def test_report_and_plots_are_written_with_numbers(smoke_run):
    out, _, markdown = smoke_run
    assert re.search(
        r"\| p95 latency, 1 visitor \| ≤ 50 ms \| \d+ ms \| (yes|\*\*no\*\*) \|", markdown
    )
    assert re.search(r"\| project pipeline \| \d+/\d+ \(\d+%\) \| 0\.\d{3} \|", markdown)
    assert "python -m bench --smoke --profile" in markdown
    assert re.search(r"Machine: \d+ cores", markdown)
    for plot in ("confusion-project.png", "latency.png"):
        assert (out / "benchmarks" / plot).read_bytes().startswith(b"\x89PNG")


def test_profile_summary_counts_own_and_total_samples(tmp_path: Path):
    raw = tmp_path / "raw.txt"
    raw.write_text(
        "main (app.py:1);handle (rasa/core/agent.py:10);parse (rasa/nlu/x.py:5) 6\n"
        "main (app.py:1);handle (rasa/core/agent.py:10);save (sqlalchemy/orm.py:9) 3\n"
        "main (app.py:1);idle (app.py:2) 1\n"
    )
    summary = profiling.summarise(raw)
    assert summary["samples"] == 10
    assert summary["self"][0] == ["parse (rasa/nlu/x.py)", 6, 0.6]
    total = {name: n for name, n, _ in summary["total"]}
    assert total["handle (rasa/core/agent.py)"] == 9
    assert "main (app.py)" not in total  # on every sample: says nothing


def test_targets_table_says_which_targets_are_met():
    results = {
        "load": {
            "cold_start_s": 45.0,
            "levels": [
                {
                    "servers": 1,
                    "concurrency": 1,
                    "p95_ms": 40.0,
                    "messages_per_s": 20.0,
                    "errors": 0,
                    "rasa_rss_mb": 1100.0,
                },
                {
                    "servers": 1,
                    "concurrency": 50,
                    "p95_ms": 900.0,
                    "messages_per_s": 60.0,
                    "errors": 2,
                    "rasa_rss_mb": 1300.0,
                },
            ],
        },
        "training": {"seconds": 80.0},
    }
    rows = {line.split(" | ")[0].lstrip("| "): line for line in report.targets_table(results)}
    assert rows["p95 latency, 1 visitor"].endswith("| 40 ms | yes |")
    assert rows["p95 latency, 50 concurrent visitors (1 server)"].endswith("| 900 ms | **no** |")
    assert rows["errors (non-200, empty reply, exception), all levels"].endswith("| 2 | **no** |")
    assert rows["process start to first correct answer"].endswith("| 45.0 s | **no** |")
    assert rows["full `rasa train` of config.yml"].endswith("| 80 s | yes |")
    assert rows["Rasa server memory (peak RSS per server)"].endswith("| 1300 MB | **no** |")


def test_a_selector_without_retrieval_intent_counts_for_the_predicted_faq():
    from bench.peers import with_default_selector
    from ml import evaluate

    default = {"response": {"intent_response_key": "faq/cost"}}
    parse = {"intent": {"name": "faq"}, "response_selector": {"default": default}}
    assert evaluate.predicted_label(with_default_selector(parse)) == "faq/cost"
    greet = {"intent": {"name": "greet"}, "response_selector": {"default": default}}
    assert evaluate.predicted_label(with_default_selector(greet)) == "greet"
