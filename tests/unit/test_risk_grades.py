"""How the risk model turns its probabilities into a grade (clinic_core/risk.py), no model needed."""

import pytest

from clinic_core.risk import RiskModel, Thresholds

THRESHOLDS = Thresholds(
    crisis=0.8, check_in=0.5, imminent=0.5, danger_at_risk=0.5, danger_imminent=0.8
)


@pytest.fixture
def model():
    return RiskModel(None, None, None, THRESHOLDS, "test")


@pytest.mark.parametrize(
    "at_risk,uncertain,imminent,grade",
    [
        (0.9, 0.0, 0.9, "imminent"),
        (0.9, 0.0, 0.1, "risk"),
        # danger told in plain words: less sure of risk, sure it is happening now
        (0.75, 0.1, 0.99, "imminent"),
        (0.5, 0.0, 0.8, "imminent"),
        (0.45, 0.3, 0.99, "check_in"),
        (0.75, 0.1, 0.7, "check_in"),
        (0.1, 0.45, 0.0, "check_in"),
        (0.1, 0.3, 0.9, "none"),
    ],
)
def test_grades(model, at_risk, uncertain, imminent, grade):
    assert model.grade_of(at_risk, uncertain, imminent) == grade


def test_the_danger_rule_is_off_unless_set():
    old = Thresholds.from_mapping({"crisis": 0.8, "check_in": 0.5, "imminent": 0.5})
    assert RiskModel(None, None, None, old, "test").grade_of(0.75, 0.1, 0.99) == "check_in"
