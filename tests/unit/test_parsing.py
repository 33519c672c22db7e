import pytest

from clinic_core import parsing
from clinic_core.settings import OpeningHours


@pytest.mark.parametrize(
    "text,expected",
    [
        ("212 555 0100", ("phone", "+12125550100")),
        ("(212) 555-0100", ("phone", "+12125550100")),
        ("my number is 646.555.0123 thanks", ("phone", "+16465550123")),
        ("+44 20 7946 0958", ("phone", "+442079460958")),
        ("+33 1 42 68 53 00", ("phone", "+33142685300")),
        ("+1-212-555-0100", ("phone", "+12125550100")),
        ("Jane.Doe@Example.COM", ("email", "Jane.Doe@example.com")),
        ("email me at bob@gmail.com please", ("email", "bob@gmail.com")),
    ],
)
def test_valid_contacts_are_normalised(text, expected):
    contact = parsing.parse_contact(text)
    assert (contact.method, contact.value) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "12345",
        "555 01",
        "call me maybe",
        "bob@",
        "@example.com",
        "not an email@",
        "<script>alert(1)</script>",
        "😀😀😀",
        "1" * 10_000,
        "x" * 10_000 + "@example.com",
        "+999 1234 5678",
    ],
)
def test_invalid_contacts_are_refused(text):
    assert parsing.parse_contact(text) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Maria", "Maria"),
        ("my name is josé", "José"),
        ("I'm Anne-Marie", "Anne-Marie"),
        ("hi, it's li", "Li"),
        ("O'Brien", "O'Brien"),
        ("  tom  ", "Tom"),
    ],
)
def test_first_names_are_read_from_common_answers(text, expected):
    assert parsing.parse_first_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "123",
        "<b>Bob</b>",
        "<img src=x onerror=alert(1)>",
        "😀",
        "a" * 60,
        "x" * 10_000,
        "bob@example.com",
        "Robert'); DROP TABLE booking_requests;--",
    ],
)
def test_implausible_names_are_refused(text):
    assert parsing.parse_first_name(text) is None


@pytest.mark.parametrize(
    "text,hint",
    [
        ("weekday mornings", "Weekdays; morning"),
        ("tuesday after 3pm", "Tuesday; afternoon"),
        ("Tue/Thu evenings", "Tuesday, Thursday; evening"),
        ("any time is fine", "any time"),
        ("as soon as you can", None),
    ],
)
def test_times_hint(text, hint):
    assert parsing.parse_times_hint(text) == hint


def test_preferred_times_are_kept_as_given_but_cleaned():
    assert parsing.parse_preferred_times("  Monday   <b>after</b> lunch ") == "Monday after lunch"
    assert parsing.parse_preferred_times("x" * 10_000) is None
    assert parsing.parse_preferred_times("!!!") is None
    assert parsing.parse_preferred_times("mornings 🙂") == "mornings 🙂"


@pytest.mark.parametrize(
    "text,intent,expected",
    [
        ("/affirm", "affirm", True),
        ("/deny", "deny", False),
        ("yes please", None, True),
        ("nope", None, False),
        ("maybe later", None, None),
        ("I don't agree", None, False),
    ],
)
def test_yes_no(text, intent, expected):
    assert parsing.parse_yes_no(text, intent) is expected


NINE_TO_FIVE = OpeningHours(days=frozenset(range(5)), opens=9 * 60, closes=17 * 60)


@pytest.mark.parametrize(
    "text",
    [
        "after 5pm",
        "after 5",
        "before 9am",
        "5pm",
        "18:00",
        "around 5:30 pm",
        "6-8pm",
        "evenings",
        "weekday evenings after 6",
        "after work",
        "Saturday morning",
        "weekends",
        "monday 7am",
    ],
)
def test_times_outside_office_hours_are_noticed(text):
    assert parsing.outside_opening_hours(text, NINE_TO_FIVE)


@pytest.mark.parametrize(
    "text",
    [
        "Tuesday after 3pm",
        "after 4pm",
        "weekday mornings",
        "weekday mornings or Saturday",
        "any time",
        "whenever",
        "at 9",
        "9-5",
        "between 10 and 12",
        "Thursday 11am-1pm",
        "at 4:30pm",
        "lunchtime",
        "2 or 3 days a week",  # not a time: passed on as typed
        "tomorrow",
    ],
)
def test_times_inside_or_unclear_are_taken(text):
    assert not parsing.outside_opening_hours(text, NINE_TO_FIVE)


def test_without_opening_hours_any_time_is_taken():
    assert not parsing.outside_opening_hours("after 11pm", None)
