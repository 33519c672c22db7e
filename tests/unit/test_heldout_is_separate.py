"""The held-out phrasings stay out of the training data, so the evaluation measures generalisation."""

import re

import pytest

from clinic_core.settings import PROJECT_ROOT
from ml.evaluate import BLIND_FILE, HELDOUT_FILE, load_examples


def normalised(text: str) -> str:
    """What the tokenizer sees: case and punctuation don't make a phrasing new."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@pytest.mark.parametrize("heldout_file", [HELDOUT_FILE, BLIND_FILE], ids=["heldout", "blind"])
def test_no_heldout_phrasing_is_a_training_example(heldout_file):
    heldout = {normalised(text) for text, _ in load_examples(heldout_file)}
    leaked = [
        (str(path.relative_to(PROJECT_ROOT)), text)
        for path in sorted((PROJECT_ROOT / "data").rglob("*.yml"))
        if path.name != "rules.yml"
        for text, _ in load_examples(path)
        if normalised(text) in heldout
    ]
    assert leaked == []


# The blind set lost the phrasings that happened to match training examples.
@pytest.mark.parametrize(
    "heldout_file, minimum", [(HELDOUT_FILE, 5), (BLIND_FILE, 4)], ids=["heldout", "blind"]
)
def test_every_faq_topic_has_enough_heldout_phrasings(heldout_file, minimum):
    labels = [label for _, label in load_examples(heldout_file)]
    topics = {path.stem for path in (PROJECT_ROOT / "data" / "faq").glob("*.yml")}
    assert {t: labels.count(f"faq/{t}") for t in topics if labels.count(f"faq/{t}") < minimum} == {}
