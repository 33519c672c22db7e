"""docs/reports/benchmarks.md from the results dict: machine, targets, tables and plots."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Dict, List, Optional

# (key, target text, check on the measured value)
TARGETS = [
    ("p95_1", "p95 latency, 1 visitor", "≤ 50 ms", lambda v: v <= 50),
    ("p95_50", "p95 latency, 50 concurrent visitors (1 server)", "≤ 300 ms", lambda v: v <= 300),
    ("throughput", "messages/s on this machine (best configuration)", "≥ 100", lambda v: v >= 100),
    ("errors", "errors (non-200, empty reply, exception), all levels", "0", lambda v: v == 0),
    ("cold_start", "process start to first correct answer", "≤ 30 s", lambda v: v <= 30),
    ("training", "full `rasa train` of config.yml", "≤ 90 s", lambda v: v <= 90),
    ("rss", "Rasa server memory (peak RSS per server)", "≤ 1200 MB", lambda v: v <= 1200),
]
UNITS = {
    "p95_1": "{:.0f} ms",
    "p95_50": "{:.0f} ms",
    "throughput": "{:.1f}",
    "errors": "{:.0f}",
    "cold_start": "{:.1f} s",
    "training": "{:.0f} s",
    "rss": "{:.0f} MB",
}


def machine() -> Dict[str, object]:
    """Cores, memory, CPU model and load of this machine (from /proc)."""
    info: Dict[str, object] = {"cores": os.cpu_count(), "python": platform.python_version()}
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        total_kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        info["memory_gb"] = round(total_kb / 2**20, 1)
        cpu = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu"] = next(
            (line.split(":", 1)[1].strip() for line in cpu if line.startswith("model name")),
            "unknown",
        )
        info["load_average"] = Path("/proc/loadavg").read_text().split()[:3]
    except (OSError, StopIteration, ValueError):
        pass
    try:
        import rasa

        info["rasa"] = rasa.__version__
    except ImportError:
        pass
    return info


def measured_targets(results: dict) -> Dict[str, Optional[float]]:
    load = results.get("load") or {}
    single = [row for row in load.get("levels", []) if row["servers"] == 1]
    every = single + [row for row in load.get("levels", []) if row["servers"] > 1]

    def p95_at(concurrency: int) -> Optional[float]:
        return next((row["p95_ms"] for row in single if row["concurrency"] == concurrency), None)

    return {
        "p95_1": p95_at(1),
        "p95_50": p95_at(50),
        "throughput": max((row["messages_per_s"] for row in every), default=None),
        "errors": sum(row["errors"] for row in every) if every else None,
        "cold_start": load.get("cold_start_s"),
        "training": (results.get("training") or {}).get("seconds"),
        "rss": max((row["rasa_rss_mb"] for row in every), default=None),
    }


def _right_count(value) -> int:
    """A count of right answers, stored either as a number or as [right, total]."""
    return int(value[0]) if isinstance(value, (list, tuple)) else int(value)


def quality_goals(results: dict) -> List[str]:
    """Rows for the answer-quality goals: ahead of every peer, and every crisis caught."""
    peers = (results.get("quality") or {}).get("peers") or []
    project = next((p for p in peers if p["name"] == "project pipeline"), None)
    others = [p for p in peers if p is not project]
    if not project or not others:
        return []
    rows = []
    for key, what in (
        ("correct", "held-out topic accuracy"),
        ("out_of_scope_declined", "out-of-scope messages declined"),
    ):
        ours = _right_count(project[key])
        best = max(others, key=lambda peer: _right_count(peer[key]))
        theirs = _right_count(best[key])
        verdict = "yes" if ours > theirs else ("**tie**" if ours == theirs else "**no**")
        rows.append(
            f"| {what}: ahead of every peer | more than the best peer "
            f"({best['name']}: {theirs}) | {ours} | {verdict} |"
        )
    rows.append(
        f"| crisis recall | 100 % | {project['crisis_recall']:.0%} | "
        f"{'yes' if project['crisis_recall'] >= 1 else '**no**'} |"
    )
    return rows


def targets_table(results: dict) -> List[str]:
    measured = measured_targets(results)
    lines = ["| target | wanted | measured | met? |", "|---|---|---|---|", *quality_goals(results)]
    for key, what, wanted, check in TARGETS:
        value = measured.get(key)
        if value is None:
            lines.append(f"| {what} | {wanted} | not measured | - |")
        else:
            lines.append(
                f"| {what} | {wanted} | {UNITS[key].format(value)} | "
                f"{'yes' if check(value) else '**no**'} |"
            )
    return lines


def plot_latency(levels: List[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for servers in sorted({row["servers"] for row in levels}):
        rows = sorted(
            (r for r in levels if r["servers"] == servers and r["p50_ms"] is not None),
            key=lambda r: r["concurrency"],
        )
        x = [r["concurrency"] for r in rows]
        for key, style in (("p50_ms", "o-"), ("p95_ms", "s--"), ("p99_ms", "^:")):
            ax.plot(
                x,
                [r[key] for r in rows],
                style,
                label=f"{key[:3]}, {servers} Rasa server{'s' if servers > 1 else ''}",
            )
    ax.axhline(50, color="grey", linewidth=0.8)
    ax.axhline(300, color="grey", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("concurrent conversations")
    ax.set_ylabel("REST reply latency (ms)")
    ax.set_title("Latency vs concurrency (grey: 50 ms and 300 ms targets)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.0%})" if total else "-"


def quality_section(quality: dict, plots: str) -> List[str]:
    peers = quality["peers"]
    lines = [
        "## Answer quality against peers",
        "",
        "Every peer reads the same training data (the NLU files under `data/`, loaded with Rasa's "
        "loader; retrieval intents as `faq/<topic>`) and is scored on the same held-out file "
        f"`tests/nlu/heldout.yml` ({peers[0]['total']} messages, never trained on) with "
        "`ml/evaluate.py`'s scoring: an FAQ is right only when the full `faq/<topic>` is right; "
        "an out-of-scope message is right when declined (`out_of_scope` or `nlu_fallback`). "
        "Macro-F1 is over the held-out labels, a decline counting as `out_of_scope`. Crisis recall is "
        "on `tests/integration/safety/crisis_messages.yml`: for the project's pipeline the crisis intent after "
        "CrisisGuard, for the peers the label they answer with.",
        "",
        "| peer | held-out right | macro-F1 | out-of-scope declined | crisis recall | ms/message |",
        "|---|---|---|---|---|---|",
    ]
    for peer in peers:
        oos = peer["out_of_scope_declined"]
        lines.append(
            f"| {peer['name']} | {_pct(peer['correct'], peer['total'])} | {peer['macro_f1']:.3f} | "
            f"{_pct(*oos)} | {_pct(*peer['crisis'])} | {peer['ms_per_message']:.1f} |"
        )
    lines += ["", "Peers:", ""]
    lines += [
        f"- **{p['name']}**: {p['description']}" + (f" ({p['notes']})" if p["notes"] else "")
        for p in peers
    ]
    for skipped, why in (quality.get("skipped") or {}).items():
        lines.append(f"- **{skipped}**: not run: {why}")
    labels = sorted({label for peer in peers for label in peer["per_label"]})
    lines += [
        "",
        "### Accuracy per held-out label",
        "",
        "| label | " + " | ".join(p["name"] for p in peers) + " |",
        "|---|" + "---|" * len(peers),
    ]
    for label in labels:
        cells = []
        for peer in peers:
            right, total = peer["per_label"].get(label, [0, 0])
            cells.append(f"{right}/{total}" if total else "-")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    project = peers[0]
    lines += [
        "",
        f"### Confusions of {project['name']}",
        "",
        f"![confusion matrix]({plots}/confusion-project.png)",
        "",
    ]
    lines += [f"- {e} → {p}: {n}" for e, p, n in project["confusions"][:15]] or ["- none"]
    return lines


def load_section(load: dict, plots: str) -> List[str]:
    lines = [
        "## Serving under load",
        "",
        "The real stack (`ops/stack.py`'s action server and Rasa server, on free ports, with a "
        "temporary CLINIC_DATA_DIR: its own SQLite tracker store and clinic database; in-memory lock "
        "store). Each simulated visitor (aiohttp, REST channel, no think time) runs whole "
        "conversations back to back: a greeting, two or three held-out FAQ phrasings, the call-back "
        "form (name, an invalid phone number, a valid one, good times, consent) and goodbye. "
        "A reply counts as an error when it is not HTTP 200, not a non-empty list, or the request "
        "raised. Memory is the peak VmRSS of each server's process group, sampled every 0.5 s.",
        "",
        f'**Cold start** (processes started → first correct REST reply to "hello"): '
        f"{load['cold_start_s']:.1f} s.",
        "",
        "| Rasa servers | concurrent | seconds | conversations | messages | messages/s | p50 ms | "
        "p95 ms | p99 ms | errors | Rasa RSS MB (per server) | action server RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in load["levels"]:

        def ms(key: str, row: dict = row) -> str:
            return "-" if row[key] is None else f"{row[key]:.0f}"

        errors = str(row["errors"]) + (f" ({row['error_kinds']})" if row["errors"] else "")
        lines.append(
            f"| {row['servers']} | {row['concurrency']} | {row['seconds']:.0f} | "
            f"{row['conversations']} | {row['messages']} | {row['messages_per_s']:.1f} | "
            f"{ms('p50_ms')} | {ms('p95_ms')} | {ms('p99_ms')} | {errors} | "
            f"{row['rasa_rss_mb']:.0f} | {row['action_rss_mb']:.0f} |"
        )
    if any(row["servers"] > 1 for row in load["levels"]):
        lines += [
            "",
            "With more than one Rasa server each visitor is assigned to one server for its "
            "whole run (round-robin by visitor), because the in-memory lock store only "
            "serialises messages of a conversation within one process; the servers share the "
            "SQLite tracker store.",
        ]
    lines += ["", f"![latency vs concurrency]({plots}/latency.png)"]
    return lines


def profile_section(profile: dict) -> List[str]:
    lines = [
        "## Where the Rasa server spends its time",
        "",
        f"py-spy sampled the Rasa server for {profile['seconds']} s at 100 Hz under "
        f"{profile['concurrency']} concurrent visitors ({profile['samples']} samples).",
        "",
        "Top functions by total time (on the stack):",
        "",
        "| function | samples | share |",
        "|---|---|---|",
    ]
    lines += [f"| `{name}` | {n} | {share:.0%} |" for name, n, share in profile["total"]]
    lines += [
        "",
        "Top functions by own time (the innermost frame):",
        "",
        "| function | samples | share |",
        "|---|---|---|",
    ]
    lines += [f"| `{name}` | {n} | {share:.0%} |" for name, n, share in profile["self"]]
    return lines


def scaling_section(load: Optional[dict]) -> List[str]:
    lines = [
        "## Running more than one Rasa server",
        "",
        "One Rasa server handles each message on one event loop in one process, so on this "
        "machine its capacity is bounded by one core; add servers (processes) to use more cores. "
        "Several servers need: (1) a shared tracker store that takes concurrent writers "
        "(PostgreSQL via `TRACKER_STORE_URL`; SQLite works for a benchmark but serialises writes), "
        "(2) a shared lock store (Redis: `LOCK_STORE_TYPE=clinic_rasa.lock_store."
        "RedisTicketLockStore`, `LOCK_STORE_HOST`, `LOCK_STORE_PORT`), so two messages of one "
        "conversation arriving at different servers are still handled in order, "
        "(3) one action server can serve several Rasa servers (add more behind a balancer if it "
        "becomes the bottleneck), and (4) memory for each server (see the RSS column). "
        "`make scaleout` starts exactly this with PostgreSQL, Redis and nginx "
        "([scale-out.md](../guides/scale-out.md)); the soak test of the single-machine set-up is in "
        "[benchmarks/soak.md](benchmarks/soak.md).",
    ]
    if load:
        single = [r for r in load["levels"] if r["servers"] == 1]
        best = max(single, key=lambda r: r["messages_per_s"], default=None)
        if best:
            lines += [
                "",
                f"Measured capacity of one server here: {best['messages_per_s']:.1f} "
                f"messages/s at {best['concurrency']} concurrent visitors "
                f"(p95 {best['p95_ms'] or 0:.0f} ms).",
            ]
        for row in (r for r in load["levels"] if r["servers"] > 1):
            gain = (
                row["messages_per_s"] / best["messages_per_s"]
                if best and best["messages_per_s"]
                else 0
            )
            lines.append(
                f"With {row['servers']} servers at {row['concurrency']} concurrent visitors: "
                f"{row['messages_per_s']:.1f} messages/s in total, "
                f"{row['messages_per_s'] / row['servers']:.1f} per server "
                f"(p95 {row['p95_ms'] or 0:.0f} ms), {gain:.2f} times the best single-server "
                f"rate on {os.cpu_count()} cores shared with the action server and the "
                "load generator."
            )
    return lines


def _stale_parts(results: dict) -> List[str]:
    """A note when `--only` kept parts measured by an earlier run."""
    older = [
        f"{part} ({results[part]['measured']})"
        for part in ("quality", "load", "training")
        if results.get(part) and results[part].get("measured", results["date"]) < results["date"]
    ]
    return [f"Kept from earlier runs: {', '.join(older)}.", ""] if older else []


def render(results: dict, plots: str) -> str:
    info = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Made by `{results['command']}` on {results['date']} (UTC). Rerun it after changing the "
        "pipeline or the data; `python -m bench --help` lists the options.",
        "",
        f"Machine: {info.get('cores')} cores ({info.get('cpu', '?')}), "
        f"{info.get('memory_gb', '?')} GB RAM, load average {' '.join(info.get('load_average', []))} "
        f"at the start; Python {info.get('python')}, Rasa {info.get('rasa', '?')}. Other work on a "
        "shared machine makes the load numbers noisy.",
        "",
        *_stale_parts(results),
        "## Targets",
        "",
        *targets_table(results),
        "",
    ]
    if results.get("quality"):
        lines += quality_section(results["quality"], plots) + [""]
    if results.get("load"):
        lines += load_section(results["load"], plots) + [""]
    if results.get("profile"):
        lines += profile_section(results["profile"]) + [""]
    if results.get("training"):
        training = results["training"]
        lines += [
            "## Training time",
            "",
            f"`rasa train --force` of the project's config.yml, domain.yml and data/ into a "
            f"temporary directory: {training['seconds']:.0f} s.",
            "",
        ]
    lines += scaling_section(results.get("load")) + [""]
    return "\n".join(lines)
