"""Where the Rasa server spends its time under load: py-spy samples, summed per function."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List


def py_spy() -> str:
    return str(Path(sys.executable).with_name("py-spy"))


def start_recording(pid: int, seconds: int, raw_file: Path) -> subprocess.Popen:
    """py-spy in the background, writing collapsed stacks ("a;b;c count" lines) to raw_file."""
    raw_file.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            py_spy(),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            "100",
            "--format",
            "raw",
            "--output",
            str(raw_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def summarise(raw_file: Path, top: int = 15) -> Dict[str, object]:
    """Top functions by own samples (self) and by samples they are on the stack (total)."""
    own: Counter = Counter()
    total: Counter = Counter()
    samples = 0
    for line in raw_file.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_short(frame) for frame in stack.split(";")]
        samples += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            total[frame] += int(count)

    def rows(counter: Counter) -> List[list]:
        # Frames on every sample (the server's main loop and its callers) say nothing.
        ranked = [(name, n) for name, n in counter.most_common() if n < samples]
        return [[name, n, n / samples if samples else 0.0] for name, n in ranked[:top]]

    return {"samples": samples, "self": rows(own), "total": rows(total)}


def _short(frame: str) -> str:
    """`handle (rasa/core/agent.py:123)` with the site-packages prefix and line number dropped."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", "lib/python3.10/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name
