"""Candidate phrasings are merged into data/faq without ever copying an evaluation text (ml/candidates/merge.py)."""

from pathlib import Path

from ml.candidates.merge import merge

FAQ = """version: "3.1"
nlu:
- intent: faq/cost
  metadata:
    title: "Cost"
  examples: |
    - how much does it cost
    - price?
responses:
  utter_faq/cost:
  - text: "It depends."
"""


def project(tmp_path: Path) -> Path:
    (tmp_path / "data" / "faq").mkdir(parents=True)
    (tmp_path / "data" / "faq" / "cost.yml").write_text(FAQ)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "sealed.jsonl").write_text('{"text": "What does one session cost?"}\n')
    return tmp_path


def test_new_phrasings_go_after_the_last_example_and_known_texts_are_skipped(tmp_path):
    root = project(tmp_path)
    added, skipped = merge(
        [
            {"topic": "cost", "text": "is it expensive"},
            {"topic": "cost", "text": "How much does it cost!"},  # a training example
            {"topic": "cost", "text": "what does one session cost"},  # a test text
            {"topic": "cost", "text": "is it  expensive?"},  # a repeat of the first
            {"topic": "cost", "text": "[cost](topic) please"},  # reads as an entity
        ],
        root,
    )
    assert (added, skipped) == (1, 4)
    lines = (root / "data" / "faq" / "cost.yml").read_text().splitlines()
    assert lines[lines.index("    - price?") + 1] == "    - is it expensive"
    assert lines[lines.index("    - is it expensive") + 1] == "responses:"


CONVERSATION = """version: "3.1"
nlu:
- intent: greet
  examples: |
    - hello
    - hi there

- intent: goodbye
  examples: |
    - bye
"""


def test_an_intent_of_data_nlu_gets_its_phrasings_after_its_own_last_example(tmp_path):
    root = project(tmp_path)
    (root / "data" / "nlu").mkdir()
    (root / "data" / "nlu" / "conversation.yml").write_text(CONVERSATION)
    assert merge([{"topic": "greet", "text": "hola, buenas tardes"}], root) == (1, 0)
    lines = (root / "data" / "nlu" / "conversation.yml").read_text().splitlines()
    assert lines[lines.index("    - hi there") + 1] == "    - hola, buenas tardes"
    assert lines[lines.index("    - hola, buenas tardes") + 2] == "- intent: goodbye"
