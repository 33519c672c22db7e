"""ml/label_agreement.py: two labellings compared as evaluate_visitors judges an answer."""

import pytest

from ml.label_agreement import compare


def row(text, label, *also):
    return {"text": text, "label": label, "acceptable": [label, *also]}


def test_a_label_in_the_other_labellers_acceptable_list_agrees():
    first = [row("a", "faq/cost", "faq/insurance"), row("b", "faq/cost"), row("c", "out_of_scope")]
    second = [
        row("a", "faq/insurance"),
        row("b", "faq/insurance", "faq/cost"),
        row("c", "no_topic"),
    ]
    result = compare(first, second)
    assert (result.messages, result.same_label, result.agree) == (3, 0, 2)
    assert result.disagreements == {("out_of_scope", "no_topic"): 1}


def test_different_messages_are_refused():
    with pytest.raises(ValueError):
        compare([row("a", "greet")], [row("b", "greet")])
