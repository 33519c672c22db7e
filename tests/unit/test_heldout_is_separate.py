"""The held-out phrasings stay out of the training data, so the evaluation measures generalisation."""

import pytest
import yaml

from clinic_core.settings import PROJECT_ROOT
from ml.evaluate import BLIND_FILE, HELDOUT_FILE, load_examples, phrasing_key


@pytest.mark.parametrize("heldout_file", [HELDOUT_FILE, BLIND_FILE], ids=["heldout", "blind"])
def test_no_heldout_phrasing_is_a_training_example(heldout_file):
    heldout = {phrasing_key(text) for text, _ in load_examples(heldout_file)}
    leaked = [
        (str(path.relative_to(PROJECT_ROOT)), text)
        for path in sorted((PROJECT_ROOT / "data").rglob("*.yml"))
        if path.name != "rules.yml"
        for text, _ in load_examples(path)
        if phrasing_key(text) in heldout
    ]
    assert leaked == []


def _faq_topics():
    return {path.stem for path in (PROJECT_ROOT / "data" / "faq").glob("*.yml")}


@pytest.mark.parametrize("heldout_file", [HELDOUT_FILE, BLIND_FILE], ids=["heldout", "blind"])
def test_every_heldout_label_is_a_current_topic_or_intent(heldout_file):
    """A topic renamed or split must not leave held-out phrasings under its old name."""
    intents = set(yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["intents"])
    stale = {
        label
        for _, label in load_examples(heldout_file)
        if not (label.startswith("faq/") and label[4:] in _faq_topics()) and label not in intents
    }
    assert stale == set()


def test_every_faq_topic_has_a_test_conversation():
    stories = yaml.safe_load(
        (PROJECT_ROOT / "tests" / "conversations" / "test_faq.yml").read_text()
    )
    tested = {
        step["intent"][4:]
        for story in stories["stories"]
        for step in story["steps"]
        if str(step.get("intent", "")).startswith("faq/")
    }
    assert _faq_topics() - tested == set()
