"""Shared by the console's unit and browser tests: a project copy, settings, a stand-in fleet
and gate, and a logged-in client."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Dict, List

from clinic_core.settings import PROJECT_ROOT, Settings, load_settings
from clinic_staff import accounts
from clinic_staff.faq import publish

PASSWORD = "correct horse battery"


def project_copy(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in ("data", "domain.yml", "config.yml", "clinic.yml", "safety"):
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    build = PROJECT_ROOT / ".build"
    if build.exists():
        (root / ".build").symlink_to(build.resolve())
    return root


def console_settings(tmp: Path, extra: Dict[str, str] | None = None) -> Settings:
    project = project_copy(tmp / "project")
    return load_settings(
        {
            "CLINIC_DATA_DIR": str(tmp / "var"),
            "CLINIC_PROJECT_DIR": str(project),
            "CLINIC_SETTINGS_FILE": str(project / "clinic.yml"),
            "MODEL_DIR": str(tmp / "models"),
            "RASA_AUTH_TOKEN": "unit-test-token",
            **(extra or {}),
        }
    )


def add_users(settings: Settings) -> None:
    for name, role in (("ed", "editor"), ("clara", "clinician"), ("ada", "admin")):
        accounts.create_user(settings, name, name.title() + " Test", role, PASSWORD, "test")


class FakeFleet:
    """Stands in for the Rasa servers: remembers which model it was told to load."""

    def __init__(self, model: Path) -> None:
        self.model = model
        self.loads: List[str] = []

    def loaded_model(self) -> str:
        return self.model.name

    def switch_to(self, model: Path) -> None:
        self.loads.append(model.name)
        self.model = model


def fake_gate(verdict_predictions=None) -> publish.Gate:
    """Training writes a small file named like ml/train.py would; predictions are given."""

    def train(root: Path, model_dir: Path) -> Path:
        from ml.train import model_path

        target = model_path(root, model_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"model for " + root.name.encode())
        return target

    same = {"heldout:heldout": [("how much is it", "faq/cost", "faq/cost")]}
    return publish.Gate(
        check=lambda root: [],
        train=train,
        conversations=lambda model, root: [],
        predict=lambda settings, model: verdict_predictions or same,
    )


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
