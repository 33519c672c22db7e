"""Train the Rasa model only when its inputs changed.

A model is named after a fingerprint of everything training reads (config,
domain, training data, custom NLU components), so an unchanged project reuses
`models/clinic-<fingerprint>.tar.gz` in a fraction of a second instead of the
20-30 s Rasa's own fingerprint check takes after loading TensorFlow.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Iterable, List, Optional

from clinic_core.settings import PROJECT_ROOT, load_settings

TRAINING_INPUTS = ("config.yml", "domain.yml", "data", "clinic_rasa/nlu")


def _input_files(root: Path) -> List[Path]:
    files: List[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix in {".yml", ".yaml", ".py"}
            )
    return files


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Hash of the training inputs' relative paths and contents."""
    digest = hashlib.sha256()
    for path in _input_files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path = PROJECT_ROOT, model_dir: Optional[Path] = None) -> Path:
    """Where the model for the current training inputs is (or will be) stored."""
    model_dir = model_dir or load_settings().model_dir
    return model_dir / f"clinic-{fingerprint(root)}.tar.gz"


def model_file_is_whole(path: Path) -> bool:
    """True when the model archive reads to its end (gzip checksums included) and holds
    Rasa's metadata: a file cut short or overwritten would make the server start modelless."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            names = set()
            for member in archive:
                names.add(member.name.lstrip("./"))
                if member.isfile():
                    extracted = archive.extractfile(member)
                    while extracted is not None and extracted.read(1 << 20):
                        pass
    except (OSError, EOFError, tarfile.TarError):
        return False
    return any(name.endswith("metadata.json") for name in names)


def rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def train(
    root: Path = PROJECT_ROOT, model_dir: Optional[Path] = None, extra_args: Iterable[str] = ()
) -> Path:
    """Train into the fingerprinted path unless it already exists; return the path."""
    target = model_path(root, model_dir)
    if target.exists() and not model_file_is_whole(target):
        print(f"{target.name} is damaged (it cannot be read whole); removing it and retraining.")
        target.unlink()
    if target.exists():
        print(
            f"Model is up to date: {target.relative_to(root) if target.is_relative_to(root) else target}"
        )
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print("Training the model (about 1-2 minutes on 2 cores)...", flush=True)
    started = time.monotonic()
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
        str(target.parent),
        "--fixed-model-name",
        target.name[: -len(".tar.gz")],
        *extra_args,
    ]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run(command, cwd=root, env=env)
    if result.returncode != 0 or not target.exists():
        raise SystemExit(f"Training failed (exit {result.returncode}); see the output above.")
    print(f"Trained {target.name} in {time.monotonic() - started:.0f} s")
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Train the model if its inputs changed.")
    parser.add_argument(
        "--print-path", action="store_true", help="only print the model path for the current inputs"
    )
    args = parser.parse_args(argv)
    if args.print_path:
        print(model_path())
        return 0
    train()
    return 0


if __name__ == "__main__":
    sys.exit(main())
