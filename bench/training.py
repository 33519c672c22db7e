"""How long a full `rasa train` of the project's current config takes."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from clinic_core.settings import PROJECT_ROOT
from ml.train import rasa_executable


def time_full_training(log_file: Path) -> float:
    """Seconds for `rasa train --force` of config.yml, domain.yml and data/ into a temp dir."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-train-") as out, log_file.open("wb") as log:
        command = [
            rasa_executable(),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            out,
            "--force",
        ]
        started = time.monotonic()
        result = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2"),
        )
        elapsed = time.monotonic() - started
        if result.returncode != 0 or not any(Path(out).glob("*.tar.gz")):
            raise RuntimeError(f"rasa train failed (exit {result.returncode}); see {log_file}")
    return elapsed
