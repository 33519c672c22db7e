"""`./staff faq new` and `./staff faq check` on a copy of the project with broken FAQ files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest

from clinic_staff import cli as staff
from clinic_staff.faq import check, files
from tests.integration.staff.conftest import PARKING_ANSWER, PARKING_PHRASINGS, PARKING_QUESTION

PARKING = Path("data/faq/parking.yml")


def run_check(project: Path, capsys, *extra: str) -> Tuple[int, str]:
    code = staff.main(["faq", "check", "--project", str(project), *extra])
    return code, capsys.readouterr().out


def write_parking(
    project: Path, phrasings: List[str] = PARKING_PHRASINGS, answer: str = PARKING_ANSWER
) -> Path:
    return files.create_faq(project, "parking", PARKING_QUESTION, answer, phrasings)


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if fragment in line)


def a_phrasing_of(project: Path, topic: str, min_words: int = 1) -> str:
    parsed, _ = check.parse_nlu_file(project, project / "data" / "faq" / f"{topic}.yml")
    return next(e.text for e in parsed.examples if len(set(e.text.split())) >= min_words)


def test_a_new_faq_with_enough_phrasings_passes_every_check_including_rasa(project, capsys):
    code = staff.main(
        [
            "faq",
            "new",
            "--project",
            str(project),
            "--topic",
            "parking",
            "--question",
            PARKING_QUESTION,
            "--answer",
            PARKING_ANSWER,
            *[arg for p in PARKING_PHRASINGS for arg in ("--phrasing", p)],
        ]
    )
    assert code == 0
    assert "Created data/faq/parking.yml with 16 phrasing(s)" in capsys.readouterr().out
    code, out = run_check(project, capsys)  # with `rasa data validate`: no domain edit needed
    assert code == 0, out
    assert ": error:" not in out


def test_new_refuses_an_existing_or_invalid_topic_and_explains_missing_phrasings(project, capsys):
    assert (
        staff.main(
            [
                "faq",
                "new",
                "--project",
                str(project),
                "--topic",
                "cost",
                "--question",
                "q",
                "--answer",
                "a",
            ]
        )
        == 1
    )
    assert "already exists" in capsys.readouterr().err
    assert (
        staff.main(
            [
                "faq",
                "new",
                "--project",
                str(project),
                "--topic",
                "Parking Lot",
                "--question",
                "q",
                "--answer",
                "a",
            ]
        )
        == 1
    )
    assert "not a valid topic name" in capsys.readouterr().err
    assert not (project / PARKING).exists()
    assert (
        staff.main(
            [
                "faq",
                "new",
                "--project",
                str(project),
                "--topic",
                "parking",
                "--question",
                "where can i park",
                "--answer",
                "In the garage.",
            ]
        )
        == 0
    )
    assert "add at least 14 more ways" in capsys.readouterr().out


def test_yaml_syntax_error_is_reported_with_its_line(project, capsys):
    path = write_parking(project)
    text = path.read_text().replace('- text: "There is', '- text: "There "is" a')
    path.write_text(text)
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 1
    assert f"{PARKING}:{line_of(path, '- text:')}: error: the file is not valid YAML" in out


def test_too_few_phrasings(project, capsys):
    write_parking(project, PARKING_PHRASINGS[:5])
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 1
    assert f"{PARKING}:3: error: faq/parking has only 6 phrasing(s)" in out
    assert "Add 9 more" in out


def test_the_same_phrasing_under_two_faqs_is_an_error(project, capsys):
    taken = a_phrasing_of(project, "cost")
    path = write_parking(project, PARKING_PHRASINGS + [taken.upper() + "?"])
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 1
    cost_line = line_of(project / "data/faq/cost.yml", f"- {taken}")
    assert (
        f"{PARKING}:{line_of(path, taken.upper())}: error: '{taken.upper()}?' is also a "
        f"phrasing of faq/cost (data/faq/cost.yml:{cost_line})"
    ) in out


def test_near_duplicate_across_faqs_is_a_warning_only(project, capsys):
    taken = a_phrasing_of(project, "cost", min_words=6)
    path = write_parking(project, PARKING_PHRASINGS + [f"{taken} parking"])
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 0, out
    assert re.search(
        rf"{PARKING}:{line_of(path, f'{taken} parking')}: warning: "
        rf"'{re.escape(taken)} parking' \(faq/parking\) is almost the same as "
        rf"'{re.escape(taken)}' \(faq/cost",
        out,
    )


@pytest.mark.parametrize(
    "answer_block, expected",
    [
        ("", "the answer is missing"),
        ('responses:\n  utter_faq/parking:\n  - text: ""\n', "the answer is empty"),
    ],
)
def test_missing_or_empty_answer(project, capsys, answer_block, expected):
    path = write_parking(project)
    text = path.read_text()
    path.write_text(text[: text.index("responses:")] + answer_block)
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 1
    assert re.search(rf"{PARKING}:\d+: error: {expected}", out)


def test_http_link_in_an_answer_and_in_clinic_yml(project, capsys):
    path = write_parking(project, answer="Directions: http://clinic.example.com/parking")
    clinic = project / "clinic.yml"
    clinic.write_text(clinic.read_text().replace("https://", "http://"))
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 1
    assert (
        f"{PARKING}:{line_of(path, '- text:')}: error: the link "
        "http://clinic.example.com/parking is not secure"
    ) in out
    assert f"clinic.yml:{line_of(clinic, 'booking_url')}: error: the link http://" in out


def test_too_long_answer(project, capsys):
    path = write_parking(project, answer="Park in the garage. " * 70)
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 1
    assert (
        f"{PARKING}:{line_of(path, '- text:')}: error: the answer is 1399 characters long; "
        f"keep it under {check.MAX_ANSWER_CHARS}"
    ) in out


def test_crisis_phrase_as_faq_phrasing(project, capsys):
    path = write_parking(project, PARKING_PHRASINGS + ["is parking free i want to kill myself"])
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 1
    assert (
        f"{PARKING}:{line_of(path, 'kill myself')}: error: 'is parking free i want to kill "
        "myself' contains the crisis phrase"
    ) in out


def test_file_name_and_topic_must_match(project, capsys):
    path = write_parking(project)
    path.write_text(path.read_text().replace("faq/parking", "faq/parkng"))
    code, out = run_check(project, capsys, "--skip-rasa")
    assert code == 1
    assert f"{PARKING}:3: error: the file is named parking.yml but its intent is faq/parkng" in out


def test_rasa_data_validate_errors_are_reported(project, capsys):
    rules = project / "data" / "rules.yml"
    rules.write_text(
        rules.read_text() + "\n  - rule: broken\n    steps:\n"
        "      - intent: greet\n      - action: action_does_not_exist\n"
    )
    code, out = run_check(project, capsys)
    assert code == 1
    assert re.search(
        r"rasa data validate: error: .*'action_does_not_exist'.* not listed in the "
        "domain",
        out,
    )
