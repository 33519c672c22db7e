"""`python -m bench`: run the benchmarks and write docs/reports/benchmarks.md (see __init__)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

from bench import corpus, load, peers, profiling, quality, report, servers, soak, training
from clinic_core.settings import PROJECT_ROOT

DOCS_REPORT = PROJECT_ROOT / "docs" / "reports" / "benchmarks.md"
WORK_DIR = PROJECT_ROOT / "var" / "bench"
SMOKE_DIR = WORK_DIR / "smoke"
PARTS = ("quality", "load", "training")
SMOKE_SAMPLE = 4


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Answer quality against peers, serving under load, training time; writes "
            "docs/reports/benchmarks.md and docs/reports/benchmarks/*.png."
        ),
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="seconds of load at small concurrency, fewer peers, no training; "
        f"writes to {SMOKE_DIR.relative_to(PROJECT_ROOT)} unless --out",
    )
    parser.add_argument(
        "--only",
        choices=PARTS + ("soak", "long", "parse"),
        help="run one part; the others are kept from the previous results.json (soak, parse: "
        "their own soak.md and parse-latency.md, see soak.py and parse_latency.py)",
    )
    parser.add_argument("--soak-visitors", type=int, default=50, help="soak: visitors (50)")
    parser.add_argument("--soak-seconds", type=float, default=600, help="soak: seconds (600)")
    parser.add_argument(
        "--profile", action="store_true", help="also sample the Rasa server with py-spy under load"
    )
    parser.add_argument("--out", type=Path, help="directory for the report, plots and results.json")
    parser.add_argument("--seconds", type=float, help="seconds per load level (30; smoke 4)")
    return parser.parse_args(argv)


def command_line(argv: Optional[List[str]]) -> str:
    args = sys.argv[1:] if argv is None else argv
    return "python -m bench" + "".join(f" {shlex.quote(a)}" for a in args)


def run_quality(smoke: bool, plots_dir: Path) -> dict:
    from ml import train

    heldout, crisis = corpus.heldout_examples(), corpus.crisis_messages()
    if smoke:  # every SMOKE_SAMPLE-th message: enough to run every step in seconds
        heldout, crisis = heldout[::SMOKE_SAMPLE], crisis[::SMOKE_SAMPLE]
    examples = corpus.training_examples()
    project_model = train.train()
    tfidf = peers.TfidfPeer().fit(examples)
    chosen = [
        peers.RasaModelPeer(
            "project pipeline",
            f"the current trained model `{project_model.name}` (config.yml, "
            "ml.train), DIET + CrisisGuard + SemanticRetriever + FAQ gate",
            project_model,
        )
    ]
    notes: Dict[str, str] = {tfidf.name: f"floor {tfidf.floor:.2f}"}
    skipped: Dict[str, str] = {}
    if smoke:
        skipped["rasa init pipeline"] = "smoke mode (needs its own training)"
    else:
        trained = peers.train_rasa_init_model()
        rasa_init = peers.RasaModelPeer(
            "rasa init pipeline",
            "the config `rasa init` writes (no pipeline: Rasa 3.6's default "
            "WhitespaceTokenizer, RegexFeaturizer, LexicalSyntacticFeaturizer, CountVectors word + "
            "char_wb 1-4, DIET 100 epochs, EntitySynonymMapper, ResponseSelector 100 epochs, "
            "FallbackClassifier 0.3), NLU trained on the same data",
            trained.path,
        )
        notes[rasa_init.name] = (
            f"trained in {trained.train_seconds:.0f} s"
            if trained.train_seconds
            else f"cached model `{trained.path.name}`"
        )
        chosen.append(rasa_init)
    chosen.append(tfidf)
    minilm_peer, why_not = peers.sentence_embedding_peer(examples, smoke)
    if minilm_peer is not None:
        notes[minilm_peer.name] = f"floor {minilm_peer.floor:.2f}"
        chosen.append(minilm_peer)
    else:
        skipped["sentence-embedding nearest neighbour"] = why_not
    scores = quality.run_quality(chosen, heldout, crisis, notes)
    quality.plot_confusion(scores[0], plots_dir / "confusion-project.png")
    for score in scores:
        print(
            f"    {score.name}: {score.heldout.correct}/{score.heldout.total} right, "
            f"macro-F1 {score.macro_f1:.3f}, crisis {score.crisis_found}/{score.crisis_total}"
        )
    return {"peers": [s.to_dict() for s in scores], "skipped": skipped}


def run_load(smoke: bool, seconds: float, profile: bool, work_dir: Path) -> tuple:
    from ml import train

    model = train.train()
    levels = [1, 4] if smoke else [1, 10, 50]
    max_conversations = 50 if smoke else 5000
    result: dict = {}
    profile_result = None
    with tempfile.TemporaryDirectory(prefix="bench-stack-") as run_dir:
        deployment = servers.Stack(Path(run_dir), model)
        try:
            print("  starting the action server and the Rasa server ...", flush=True)
            result["cold_start_s"] = deployment.start()
            print(f"    first correct answer after {result['cold_start_s']:.1f} s", flush=True)
            result["levels"] = load.run_levels(
                deployment.urls,
                levels,
                seconds,
                max_conversations,
                deployment.rasa_pids(),
                deployment.action_pid(),
            )
            if profile:
                profile_result = profile_under_load(
                    deployment, 5 if smoke else 10, 4 if smoke else 10, work_dir
                )
        finally:
            deployment.stop()
    best = max(row["messages_per_s"] for row in result["levels"])
    if not smoke and best < 100:
        print(
            f"  one server reached {best:.0f} messages/s < 100: measuring 2 Rasa servers",
            flush=True,
        )
        with tempfile.TemporaryDirectory(prefix="bench-stack2-") as run_dir:
            pair = servers.Stack(Path(run_dir), model, rasa_servers=2)
            try:
                pair.start()
                result["levels"] += load.run_levels(
                    pair.urls,
                    [50],
                    seconds,
                    max_conversations,
                    pair.rasa_pids(),
                    pair.action_pid(),
                    label="p",
                )
            finally:
                pair.stop()
    return result, profile_result


def profile_under_load(
    deployment: servers.Stack, seconds: int, concurrency: int, work_dir: Path
) -> dict:
    """py-spy on the Rasa server while `concurrency` visitors talk to it."""
    raw = work_dir / "py-spy.txt"
    print(
        f"  profiling the Rasa server for {seconds} s under {concurrency} visitors ...", flush=True
    )
    recorder = profiling.start_recording(deployment.rasa_pids()[0], seconds, raw)
    load.run_level(deployment.urls, concurrency, seconds + 2, 100000, label="prof")
    _, error = recorder.communicate(timeout=60)
    if recorder.returncode != 0 or not raw.exists():
        raise RuntimeError(f"py-spy failed: {error.decode(errors='replace')[-500:]}")
    return {"seconds": seconds, "concurrency": concurrency, **profiling.summarise(raw)}


def stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    os.chdir(PROJECT_ROOT)  # the NLU config names the spaCy pipeline by a relative path
    out_dir = args.out or (SMOKE_DIR if args.smoke else DOCS_REPORT.parent)
    report_file = out_dir / "benchmarks.md"
    plots_dir = out_dir / "benchmarks"
    results_file = plots_dir / "results.json"
    if args.only == "long":  # one conversation of 200 turns, with and without the session cap
        from bench import long_conversation

        return long_conversation.main(
            ["--without-cap", "--out", str(plots_dir / "long-conversation.json")]
        )
    if args.only == "parse":  # one message at a time on one core: the parse p95 and memory targets
        from bench import parse_latency

        out = plots_dir / "parse-latency.md"
        if out.is_relative_to(PROJECT_ROOT):
            out = out.relative_to(PROJECT_ROOT)
        return parse_latency.main(["--out", str(out)])
    if args.only == "soak":
        return soak.run_and_report(
            args.soak_visitors, args.soak_seconds, plots_dir, command_line(argv)
        )
    parts = [args.only] if args.only else list(PARTS)
    if args.smoke and not args.only:
        parts.remove("training")
    results: dict = (
        json.loads(results_file.read_text()) if args.only and results_file.exists() else {}
    )
    results.update(command=command_line(argv), machine=report.machine(), date=stamp())
    started = time.monotonic()
    plots_dir.mkdir(parents=True, exist_ok=True)
    if "quality" in parts:
        print("==> Answer quality against peers", flush=True)
        results["quality"] = run_quality(args.smoke, plots_dir)
        results["quality"]["measured"] = stamp()
    if "load" in parts:
        print("==> Serving under load", flush=True)
        seconds = args.seconds or (4 if args.smoke else 30)
        results["load"], results["profile"] = run_load(args.smoke, seconds, args.profile, WORK_DIR)
        report.plot_latency(results["load"]["levels"], plots_dir / "latency.png")
        results["load"]["measured"] = stamp()
    if "training" in parts:
        print("==> Full training time", flush=True)
        results["training"] = {
            "seconds": training.time_full_training(WORK_DIR / "train.log"),
            "measured": stamp(),
        }
        print(f"    {results['training']['seconds']:.0f} s", flush=True)
    results["runtime_s"] = round(time.monotonic() - started, 1)
    results_file.write_text(json.dumps(results, indent=1))
    report_file.write_text(report.render(results, plots_dir.name))
    print("\n".join(report.targets_table(results)))
    print(f"Wrote {report_file} and {plots_dir}/ in {results['runtime_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
