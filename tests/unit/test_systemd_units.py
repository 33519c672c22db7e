"""The production systemd units (ops/systemd/): a dedicated user, restart on failure,
umask 077, secrets from an environment file, never on a command line."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from clinic_core.settings import PROJECT_ROOT

UNITS = sorted((PROJECT_ROOT / "ops" / "systemd").glob("*.service"))


def unit(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_service_runs_as_a_dedicated_user_and_restarts_on_failure(path):
    service = unit(path)["Service"]
    assert service["User"] == "clinic" and service["Group"] == "clinic"
    assert service["Restart"] == "on-failure"
    assert service["UMask"] == "0077"
    assert service["EnvironmentFile"] == "/etc/clinic/clinic.env"
    assert service["StateDirectoryMode"] == "0700"
    assert "TOKEN" not in service["ExecStart"], "secrets come from the environment file"
    assert unit(path)["Install"]["WantedBy"] == "clinic.target"
    assert "ops.healthcheck" in service["ExecStartPost"]


def test_the_rasa_unit_is_ready_only_with_a_model():
    service = unit(PROJECT_ROOT / "ops" / "systemd" / "clinic-rasa.service")["Service"]
    assert "--key model_id" in service["ExecStartPost"] and "/status" in service["ExecStartPost"]
    assert (
        "clinic_rasa.serve" in service["ExecStart"] and "--auth-token" not in service["ExecStart"]
    )


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_analyze_accepts_the_units(tmp_path):
    for path in [*UNITS, PROJECT_ROOT / "ops" / "systemd" / "clinic.target"]:
        text = path.read_text().replace("/opt/clinic/.venv/bin/rasa", "/bin/true")
        (tmp_path / path.name).write_text(text.replace("/opt/clinic/.venv/bin/python", "/bin/true"))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
    )
    problems = [line for line in result.stderr.splitlines() if "clinic" in line]
    assert problems == [], result.stderr
