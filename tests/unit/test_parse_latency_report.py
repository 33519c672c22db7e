"""The parse-latency benchmark's report calls a miss a miss (bench/parse_latency.py)."""

from bench.load import percentile
from bench.parse_latency import host_speed_ms, report

RESULT = {
    "model": "clinic-x.tar.gz",
    "cpu": 1,
    "messages": 3,
    "cold_start_s": 20.0,
    "p50_ms": 20.0,
    "p95_ms": 30.0,
    "p99_ms": 31.0,
    "max_ms": 32.0,
    "by_length": {"up to 10 words": {"messages": 3, "p50_ms": 20.0, "p95_ms": 30.0}},
    "rss_after_load_mb": 900.0,
    "rss_end_mb": 950.0,
    "peak_rss_mb": 1000.0,
    "load_average": [1.0, 1.0, 1.0],
    "host_probe_ms": 11.5,
}


def verdicts(text: str) -> dict:
    rows = [line.split("|") for line in text.splitlines() if line.startswith("| parse p95")]
    rows += [line.split("|") for line in text.splitlines() if line.startswith("| Rasa server")]
    return {row[1].strip(): row[-2].strip() for row in rows}


def test_a_slow_parse_is_a_miss_and_memory_under_the_limit_is_met():
    assert verdicts(report(RESULT, "python -m bench.parse_latency")) == {
        "parse p95": "**no**",
        "Rasa server peak memory (VmHWM)": "yes",
    }


def test_within_both_targets():
    fast = dict(RESULT, p95_ms=24.9, peak_rss_mb=1300.0)
    assert verdicts(report(fast, "x")) == {
        "parse p95": "yes",
        "Rasa server peak memory (VmHWM)": "**no**",
    }


def test_the_report_gives_the_host_probe_beside_the_latency():
    assert "11.5 ms this run" in report(RESULT, "x")


def test_the_host_probe_is_a_positive_time_and_leaves_the_affinity_as_it_was():
    import os

    before = os.sched_getaffinity(0)
    assert host_speed_ms(min(before), repeats=3) > 0
    assert os.sched_getaffinity(0) == before


def test_percentile_takes_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 95) == 95.0
    assert percentile([7.0], 95) == 7.0


def test_make_bench_only_parse_runs_it_into_the_reports_folder(monkeypatch):
    import bench.__main__ as bench_main
    from bench import parse_latency

    calls = []
    monkeypatch.setattr(parse_latency, "main", lambda argv: calls.append(argv) or 0)
    assert bench_main.main(["--only", "parse"]) == 0
    assert calls == [["--out", "docs/reports/benchmarks/parse-latency.md"]]
