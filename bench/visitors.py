"""The project and its peers side by side on the blind visitor sets.

    python -m bench.visitors                                   # the development set
    python -m bench.visitors --set FILE --name sealed-a ...    # a sealed set, once

Peers are trained on exactly the project's training data (bench/peers.py): TF-IDF nearest
neighbour, MiniLM nearest neighbour (the project's own encoder, clinic_core/encoder.py) and,
with --rasa-init, Rasa's `rasa init` pipeline. Peers cannot ask "Did you mean", so for them a
message is right, declined or wrong; the project's outcomes come from ml/evaluate_visitors.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Dict, List, Sequence

from bench import corpus, peers
from clinic_core.settings import PROJECT_ROOT
from ml import evaluate_visitors

DECLINED = {"out_of_scope", "nlu_fallback"}


def peer_outcome(row: dict, predicted: str) -> str:
    """ml/evaluate_visitors.py's outcome for a peer's single label."""
    if predicted in DECLINED:
        return (
            "declined (right)"
            if row["label"] in evaluate_visitors.NOT_ANSWERABLE
            else "declined (wrong)"
        )
    if row["label"] in evaluate_visitors.NOT_ANSWERABLE:
        return "wrong answer"
    acceptable = set(row.get("acceptable") or [row["label"]])
    return "right answer" if predicted in acceptable else "wrong answer"


def score(predicted: Sequence[str], rows: Sequence[dict]) -> Dict[str, float]:
    outcomes = [peer_outcome(r, p) for r, p in zip(rows, predicted)]
    right = sum(o in ("right answer", "declined (right)") for o in outcomes)
    oos = [o for r, o in zip(rows, outcomes) if r["label"] == "out_of_scope"]
    return {
        "right answer": right / len(rows),
        "right or clarified": right / len(rows),
        "wrong answer": outcomes.count("wrong answer") / len(rows),
        "out-of-scope declined": sum(o == "declined (right)" for o in oos) / max(len(oos), 1),
    }


def project_score(model: Path, rows: Sequence[dict], name: str) -> Dict[str, float]:
    result = evaluate_visitors.evaluate(model, rows, name)
    s = result.summary()
    oos = [r for r in result.rows if r["label"] == "out_of_scope"]
    return {
        "right answer": float(s["right answer"]),  # type: ignore[arg-type]
        "right or clarified": float(s["right answer or right clarification"]),  # type: ignore[arg-type]
        "wrong answer": float(s["wrong answer"]),  # type: ignore[arg-type]
        "out-of-scope declined": sum(r["outcome"] == "declined (right)" for r in oos)
        / max(len(oos), 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, action="append")
    parser.add_argument("--name", action="append")
    parser.add_argument("--rasa-init", action="store_true", help="also train and score rasa init")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    os.chdir(PROJECT_ROOT)
    from clinic_core.encoder import get_encoder
    from ml import train

    model = train.train()
    examples = corpus.training_examples()
    contenders = [
        ("TF-IDF nearest neighbour", peers.TfidfPeer().fit(examples)),
        ("MiniLM nearest neighbour", peers.SentenceEmbeddingPeer(get_encoder()).fit(examples)),
    ]
    if args.rasa_init:
        trained = peers.train_rasa_init_model()
        contenders.append(("rasa init", peers.RasaModelPeer("rasa init", "", trained.path)))
    sets = args.set or [evaluate_visitors.DEV_SET]
    names = args.name or [p.stem for p in sets]
    figures: Dict[str, Dict[str, Dict[str, float]]] = {}
    for path, name in zip(sets, names):
        rows: List[dict] = evaluate_visitors.load_set(path)
        figures[name] = {"project": project_score(model, rows, name)}
        texts = [r["text"] for r in rows]
        for peer_name, peer in contenders:
            figures[name][peer_name] = score(peer.predict(texts), rows)
    command = "python -m bench.visitors " + " ".join(argv or sys.argv[1:])
    print(f"Command: {command}\n")
    print(
        "| set | system | right answer | right or clarified | wrong answer | out-of-scope declined |"
    )
    print("|---|---|---|---|---|---|")
    for name, systems in figures.items():
        for system, s in systems.items():
            print(
                f"| {name} | {system} | {s['right answer']:.1%} | {s['right or clarified']:.1%} | "
                f"{s['wrong answer']:.1%} | {s['out-of-scope declined']:.1%} |"
            )
    if args.json:
        args.json.write_text(json.dumps({"command": command, "figures": figures}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
