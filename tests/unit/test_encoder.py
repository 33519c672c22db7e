"""The shared sentence encoder (clinic_core/encoder.py), with the real model files.

Needs the model installed by `make setup` (tools/setup.sh: .build/encoder/).
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from clinic_core import encoder as encoder_module
from clinic_core.encoder import (
    EncoderIntegrityError,
    EncoderNotInstalledError,
    SentenceEncoder,
    default_model_dir,
    get_encoder,
)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b))


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return get_encoder()


def test_vectors_are_unit_length_float32_of_the_model_dimension(encoder):
    texts = ["How quickly does ketamine work?", "", "¿Cuánto cuesta una infusión?", "ok " * 400]
    vectors = encoder.encode(texts)
    assert encoder.name == "all-MiniLM-L6-v2"
    assert encoder.dimension == 384
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, 384)
    assert encoder.encode_batch([]).shape == (0, 384)


def test_a_single_string_is_refused_rather_than_encoded_character_by_character(encoder):
    with pytest.raises(TypeError):
        encoder.encode("hello")


def test_matches_the_similarities_sentence_transformers_publishes_for_this_model(encoder):
    # sbert.net quick start, all-MiniLM-L6-v2: 0.6660, 0.1046, 0.1411
    weather, sunny, stadium = encoder.encode(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    assert cosine(weather, sunny) == pytest.approx(0.6660, abs=1e-3)
    assert cosine(weather, stadium) == pytest.approx(0.1046, abs=1e-3)
    assert cosine(sunny, stadium) == pytest.approx(0.1411, abs=1e-3)


@pytest.mark.parametrize(
    "anchor, paraphrase, unrelated",
    [
        (
            "How much does a ketamine infusion cost?",
            "What is the price of one infusion?",
            "Can I drive home after the treatment?",
        ),
        ("I don't want to live anymore", "I want to end my life", "I want to book an appointment"),
        (
            "I have a plan to kill myself tonight",
            "Tonight I am going to take my own life",
            "I have a plan to visit the clinic tonight",
        ),
    ],
)
def test_a_paraphrase_is_closer_than_an_unrelated_sentence(encoder, anchor, paraphrase, unrelated):
    a, p, u = encoder.encode([anchor, paraphrase, unrelated])
    assert cosine(a, p) > cosine(a, u) + 0.1


@pytest.mark.xfail(
    reason="all-MiniLM-L6-v2 is English-only: Spanish paraphrases are not "
    "recognised (docs/reports/encoder.md); passes with a multilingual model",
    strict=False,
)
def test_spanish_paraphrases_are_closer_than_unrelated_sentences(encoder):
    for anchor, paraphrase, unrelated in [
        (
            "¿Cuánto cuesta la infusión de ketamina?",
            "¿Qué precio tiene una infusión?",
            "¿Puedo conducir después del tratamiento?",
        ),
        ("Ya no quiero vivir", "Quiero quitarme la vida", "Quiero reservar una cita"),
    ]:
        a, p, u = encoder.encode([anchor, paraphrase, unrelated])
        assert cosine(a, p) > cosine(a, u) + 0.1


def test_batches_with_padding_give_the_vectors_of_single_sentences(encoder):
    texts = [
        "hi",
        "what are the side effects of ketamine infusions",
        "cost?",
        "Is it safe to combine ketamine with my antidepressants and therapy sessions?",
    ]
    batched = encoder.encode_batch(texts, batch_size=4)
    singles = np.vstack([encoder.encode([text]) for text in texts])
    assert np.abs(batched - singles).max() < 1e-5
    assert np.array_equal(encoder.encode_batch(texts + texts[:1])[-1], batched[0])


def test_recent_texts_come_from_the_cache_unchanged(encoder):
    first = encoder.encode(["cached sentence about infusions"])
    second = encoder.encode(["cached sentence about infusions"])
    assert np.array_equal(first, second)
    second[0, 0] = 42.0  # the caller's copy, not the cache's
    assert encoder.encode(["cached sentence about infusions"])[0, 0] == first[0, 0]


def test_one_encoder_per_process_even_when_threads_race_to_load_it(monkeypatch):
    monkeypatch.setattr(encoder_module, "_encoders", {})
    found = []
    threads = [threading.Thread(target=lambda: found.append(get_encoder())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 4 and all(item is found[0] for item in found)


def copy_model(target: Path) -> Path:
    for name in ("config.json", "vocab.txt", "model.safetensors"):
        shutil.copyfile(default_model_dir() / name, target / name)
    return target


def test_a_tampered_weights_file_is_refused(tmp_path):
    folder = copy_model(tmp_path)
    with (folder / "model.safetensors").open("r+b") as weights:
        weights.seek(50_000_000)
        byte = weights.read(1)
        weights.seek(50_000_000)
        weights.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(EncoderIntegrityError, match="sha256") as refused:
        SentenceEncoder(folder)
    assert "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db" in str(refused.value)


def test_a_missing_model_says_how_to_install_it(tmp_path):
    with pytest.raises(EncoderNotInstalledError, match="make setup"):
        SentenceEncoder(tmp_path)


def test_the_onnxruntime_and_numpy_backends_agree():
    pytest.importorskip("onnxruntime")
    texts = ["How quickly does ketamine work?", "¿Es segura la ketamina?", "", "a b c d e f g"]
    fast = SentenceEncoder(backend="onnxruntime", cache_size=0)
    reference = SentenceEncoder(backend="numpy", cache_size=0)
    assert fast.backend == "onnxruntime" and reference.backend == "numpy"
    assert np.abs(fast.encode_batch(texts) - reference.encode_batch(texts)).max() < 1e-5
    assert np.abs(fast.encode(texts[:1]) - reference.encode(texts[:1])).max() < 1e-5
