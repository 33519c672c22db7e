"""How the benchmark tests run the benchmark command: as a visitor of the README would."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import List

from clinic_core.settings import PROJECT_ROOT


def run_bench(args: List[str], timeout_s: int) -> None:
    """`python -m bench ARGS` in the project, failing the test with its output's tail."""
    env = dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    finished = subprocess.run(
        [sys.executable, "-m", "bench", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
