"""A temporary copy of the project for the staff commands to change, and a complete new FAQ."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clinic_core.settings import PROJECT_ROOT

PROJECT_PARTS = ("data", "domain.yml", "config.yml", "clinic.yml", "safety")

PARKING_QUESTION = "where can I park when I come for an infusion"
PARKING_ANSWER = (
    "There is a paid parking garage on the same block as the office. "
    "For directions, call {clinic_phone}."
)
PARKING_PHRASINGS = [
    "is there parking at the clinic",
    "where do i park",
    "parking",
    "can i park near the office",
    "is parking available",
    "do you have a parking lot",
    "is there a garage nearby",
    "where should i leave my car",
    "is parking free",
    "can i drive to my appointment and park",
    "parking options near the practice",
    "is there street parking",
    "where's the nearest parking garage",
    "do you validate parking",
    "how do i find parking for my visit",
]


@pytest.fixture
def project(tmp_path) -> Path:
    """The parts of the project the FAQ commands read, copied; the spaCy model linked."""
    root = tmp_path / "project"
    root.mkdir()
    for name in PROJECT_PARTS:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, root / name)
    (root / ".build").symlink_to(PROJECT_ROOT / ".build")
    return root
