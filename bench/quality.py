"""Answer quality of each peer on the held-out file and the crisis messages."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bench import corpus
from ml import evaluate


@dataclass
class PeerScore:
    """One peer's results; `heldout` is ml/evaluate.py's own tally."""

    name: str
    description: str
    heldout: evaluate.HeldoutResult
    expected: List[str]
    predicted: List[str]
    crisis_found: int
    crisis_total: int
    ms_per_message: float
    notes: str = ""

    @property
    def macro_f1(self) -> float:
        """Macro-F1 over the held-out labels, a decline counting as out_of_scope."""
        from sklearn.metrics import f1_score

        labels = sorted(set(self.expected))
        return float(
            f1_score(
                self.expected,
                declined_as_oos(self.predicted),
                labels=labels,
                average="macro",
                zero_division=0,
            )
        )

    @property
    def crisis_recall(self) -> float:
        return self.crisis_found / self.crisis_total if self.crisis_total else 0.0

    def label_counts(self, label: str) -> tuple:
        counts = self.heldout.per_label.get(label) or {}
        return counts.get("correct", 0), counts.get("total", 0)

    def to_dict(self) -> dict:
        oos_right, oos_total = self.label_counts("out_of_scope")
        return {
            "name": self.name,
            "description": self.description,
            "notes": self.notes,
            "correct": self.heldout.correct,
            "total": self.heldout.total,
            "accuracy": self.heldout.accuracy,
            "macro_f1": self.macro_f1,
            "out_of_scope_declined": [oos_right, oos_total],
            "crisis_recall": self.crisis_recall,
            "crisis": [self.crisis_found, self.crisis_total],
            "ms_per_message": self.ms_per_message,
            "per_label": {
                label: [c["correct"], c["total"]]
                for label, c in sorted(self.heldout.per_label.items())
            },
            "confusions": [[e, p, n] for (e, p), n in self.heldout.confusions.most_common()],
        }


def declined_as_oos(labels: Sequence[str]) -> List[str]:
    return ["out_of_scope" if label in evaluate.DECLINED else label for label in labels]


def score_peer(
    peer, heldout: Sequence[corpus.Example], crisis: Sequence[str], notes: str = ""
) -> PeerScore:
    """Ask `peer` every held-out and crisis message; a crisis counts when its label is `crisis`."""
    texts = [text for text, _ in heldout]
    started = time.perf_counter()
    predicted = peer.predict(texts)
    crisis_labels = peer.predict(list(crisis))
    elapsed_ms = (time.perf_counter() - started) * 1000
    result = evaluate.HeldoutResult()
    for (text, expected), label in zip(heldout, predicted):
        result.add(text, expected, label)
    return PeerScore(
        name=peer.name,
        description=peer.description,
        heldout=result,
        expected=[label for _, label in heldout],
        predicted=list(predicted),
        crisis_found=sum(label == corpus.CRISIS_LABEL for label in crisis_labels),
        crisis_total=len(crisis),
        ms_per_message=elapsed_ms / max(1, len(texts) + len(crisis)),
        notes=notes,
    )


def plot_confusion(score: PeerScore, path: Path) -> None:
    """Confusion matrix (held-out, declines shown as out_of_scope) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    predicted = declined_as_oos(score.predicted)
    labels = sorted(set(score.expected) | set(predicted))
    matrix = confusion_matrix(score.expected, predicted, labels=labels)
    size = max(8, len(labels) * 0.32)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels=labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels=labels, fontsize=7)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                ax.text(
                    j,
                    i,
                    str(matrix[i, j]),
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if matrix[i, j] > matrix.max() / 2 else "red",
                )
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected (tests/nlu/heldout.yml)")
    ax.set_title(f"{score.name}: {score.heldout.correct}/{score.heldout.total} right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_quality(
    peers: Sequence,
    heldout: Sequence[corpus.Example],
    crisis: Sequence[str],
    notes: Optional[Dict[str, str]] = None,
) -> List[PeerScore]:
    scores = []
    for peer in peers:
        print(f"  scoring {peer.name} ...", flush=True)
        try:
            scores.append(score_peer(peer, heldout, crisis, (notes or {}).get(peer.name, "")))
        finally:
            peer.close()
    return scores
