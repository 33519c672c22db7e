import pytest

from clinic_core.phrases import PhraseMatcher, load_phrase_file, normalize
from clinic_core.settings import PROJECT_ROOT


@pytest.fixture
def matcher():
    return PhraseMatcher(
        ["kill myself", "suicid*", "want ... die", "dont want to be here", "kms"],
        exceptions=["dying to know", "kill time"],
    )


def test_normalize_drops_case_accents_apostrophes_and_punctuation():
    assert normalize("I DON'T want… to be HERE!") == ["i", "dont", "want", "to", "be", "here"]
    assert normalize("No quiero vivir más") == ["no", "quiero", "vivir", "mas"]
    assert normalize("I don’t") == ["i", "dont"]


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself",
        "i wanna KILL MYSELF.",
        "kill myselff",
        "kill mysefl",
        "feeling suicidal today",
        "sucidal thoughts",
        "i want to just die",
        "i want to die",
        "I don't want to be here anymore",
        "ugh kms",
    ],
)
def test_phrases_match_with_case_typos_wildcards_and_gaps(matcher, text):
    assert matcher.find(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "how fast does ketamine work",
        "i want to know if it works",
        "what a killer headache",
        "I'm dying to know the cost",
        "how do I kill time before the appointment",
        "i want to go to the pharmacy and then the diner",
    ],
)
def test_ordinary_text_does_not_match(matcher, text):
    assert matcher.find(text) is None


def test_lemmas_extend_matching_to_inflected_forms(matcher):
    lemmas = {"killing": "kill", "wants": "want"}.get
    assert matcher.find("thinking about killing myself") is None
    assert matcher.find("thinking about killing myself", lemmas).phrase == "kill myself"
    assert matcher.find("he wants to die", lemmas) is not None


def test_gap_allows_at_most_three_words(matcher):
    assert matcher.find("i want to just die") is not None
    assert matcher.find("i want to go out and eat and then die") is None


def test_match_reports_the_phrase_and_span(matcher):
    match = matcher.find("honestly i want to kill myself now")
    assert (match.phrase, match.start, match.end) == ("kill myself", 4, 6)


def test_the_staff_phrase_file_loads_and_has_both_languages():
    matcher = load_phrase_file(PROJECT_ROOT / "safety" / "crisis_phrases.yml")
    assert len(matcher.phrases) > 100
    assert matcher.find("quiero morir") is not None
    assert matcher.find("I want to kill myself") is not None
