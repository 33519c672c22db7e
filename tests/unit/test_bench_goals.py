"""The benchmark report says plainly whether the project beats every peer on answer quality."""

from bench.report import quality_goals


def peer(name, correct, declined, crisis=1.0):
    return {
        "name": name,
        "correct": correct,
        "out_of_scope_declined": [declined, 15],
        "crisis_recall": crisis,
    }


def results(*peers):
    return {"quality": {"peers": list(peers)}}


def test_ahead_on_both_counts_and_every_crisis_caught():
    rows = quality_goals(results(peer("project pipeline", 229, 14), peer("tf-idf", 217, 13)))
    assert [row.rsplit("|", 2)[-2].strip() for row in rows] == ["yes", "yes", "yes"]


def test_a_tie_and_a_loss_are_called_so():
    rows = quality_goals(
        results(peer("project pipeline", 220, 14, crisis=0.99), peer("rasa init", 227, 14))
    )
    verdicts = [row.rsplit("|", 2)[-2].strip() for row in rows]
    assert verdicts == ["**no**", "**tie**", "**no**"]
    assert "rasa init: 227" in rows[0]
