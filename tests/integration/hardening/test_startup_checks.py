"""An unreachable database stops start-up at once with an error naming the setting to fix."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from clinic_core.settings import PROJECT_ROOT, load_settings
from ops import stack
from ops.preflight import PreflightError, check_database
from tests.conftest import free_port

CLOSED_POSTGRES = "postgresql://clinic:s3cret-pw@127.0.0.1:1/conversations"


def test_unreachable_tracker_store_names_the_setting_and_hides_the_password():
    started = time.monotonic()
    with pytest.raises(PreflightError) as error:
        check_database(CLOSED_POSTGRES, "TRACKER_STORE_URL")
    assert time.monotonic() - started < 10
    assert "TRACKER_STORE_URL" in str(error.value) and "s3cret-pw" not in str(error.value)


def test_unwritable_sqlite_booking_database_names_the_setting(tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(PreflightError, match="CLINIC_DB_URL"):
        check_database(f"sqlite:///{tmp_path}/a-file/clinic.db", "CLINIC_DB_URL")


def test_reachable_sqlite_database_passes(tmp_path):
    check_database(f"sqlite:///{tmp_path}/new-dir/clinic.db", "CLINIC_DB_URL")
    assert (tmp_path / "new-dir" / "clinic.db").exists()


def test_make_run_fails_fast_when_the_tracker_store_is_unreachable(tmp_path):
    settings = load_settings(
        {
            "CLINIC_DATA_DIR": str(tmp_path),
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
        }
    )
    env = {
        **stack.service_environment(settings),
        "CLINIC_DATA_DIR": str(tmp_path),
        "TRACKER_STORE_URL": CLOSED_POSTGRES,
    }
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "ops.stack"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert time.monotonic() - started < 30
    assert "TRACKER_STORE_URL" in result.stderr and "s3cret-pw" not in result.stderr
    assert not (tmp_path / "logs").exists(), "no server may have been started"
