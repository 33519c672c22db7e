"""The Rasa servers' model API (RasaServer, RasaFleet, server_for) and the first deployment gate.

`./staff deploy` and `./staff rollback` now run clinic_staff/faq/publish.py (the console's publish:
drafts, the change-judging gate, versions of texts and model); that module uses RasaFleet and
keep_copy from here. The functions below are the earlier model-only gate, kept for its tests:

The gate: train (ml/train.py), run the quick tests (data validation, test conversations,
held-out NLU accuracy via ml/evaluate.py), compare the accuracy with the deployed model's,
and only then load the new model into the running Rasa server with `PUT /model` and check
`GET /status`. The deployed model, the previous one and a history are kept in
var/deploy/state.json so `./staff rollback` can put the previous model back.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, List, Optional, Union

import requests

from clinic_core.settings import PROJECT_ROOT, Settings
from ops import stack

HTTP_TIMEOUT_S = 300  # loading a model takes 10-30 s on 2 cores
HISTORY_LENGTH = 50


class DeployError(RuntimeError):
    """The deployment was refused or failed; the running server keeps its model."""


def state_file(settings: Settings) -> Path:
    return settings.run_dir / "deploy" / "state.json"


def read_state(path: Path) -> dict:
    if not path.exists():
        return {"current": None, "previous": None, "history": []}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DeployError(
            f"The deployment record {path} cannot be read ({error}). Ask a "
            "developer to repair or remove it."
        ) from error
    if not isinstance(state, dict):
        raise DeployError(
            f"The deployment record {path} is damaged. Ask a developer to repair or remove it."
        )
    return state


def write_state(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)  # atomic: a crash never leaves half a state file


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class RasaServer:
    """The running Rasa server's authenticated HTTP API."""

    base_url: str
    token: str

    def loaded_model(self) -> str:
        """File name of the loaded model (GET /status)."""
        try:
            response = requests.get(
                f"{self.base_url}/status", params={"token": self.token}, timeout=30
            )
        except requests.RequestException as error:
            raise DeployError(
                f"The assistant is not reachable at {self.base_url} ({error}). "
                "Start it with `make run` first."
            ) from error
        if response.status_code != 200:
            raise DeployError(
                f"The assistant at {self.base_url} answered {response.status_code} "
                f"to GET /status: {response.text[:200]}"
            )
        return Path(response.json().get("model_file") or "").name

    def load_model(self, model: Path) -> None:
        """Swap the model in place (PUT /model); conversations keep going."""
        try:
            response = requests.put(
                f"{self.base_url}/model",
                params={"token": self.token},
                json={"model_file": str(model.resolve())},
                timeout=HTTP_TIMEOUT_S,
            )
        except requests.RequestException as error:
            raise DeployError(f"Could not send the model to the assistant: {error}") from error
        if response.status_code not in (200, 204):
            raise DeployError(
                f"The assistant refused the model {model.name} "
                f"({response.status_code}): {response.text[:300]}"
            )

    def switch_to(self, model: Path) -> None:
        self.load_model(model)
        loaded = self.loaded_model()
        if loaded != model.name:
            raise DeployError(f"After loading {model.name} the assistant reports {loaded!r}.")


@dataclass
class RasaFleet:
    """Every Rasa server of the deployment: a model is published to all of them or refused."""

    servers: List[RasaServer]

    def loaded_model(self) -> str:
        """The model every server runs; a DeployError when they disagree."""
        loaded = {server.base_url: server.loaded_model() for server in self.servers}
        if len(set(loaded.values())) > 1:
            raise DeployError(
                "The Rasa servers run different models ("
                + ", ".join(f"{url}: {name}" for url, name in loaded.items())
                + "). Publish or roll back again to bring them together."
            )
        return next(iter(loaded.values()))

    def switch_to(self, model: Path) -> None:
        for server in self.servers:
            server.switch_to(model)


def server_for(settings: Settings) -> RasaFleet:
    """The Rasa servers the running launcher (`make run` or `make scaleout`) recorded."""
    token = stack.auth_token(settings)
    return RasaFleet([RasaServer(url, token) for url in stack.running_rasa_servers(settings)])


def _run(command: List[str], cwd: Path) -> Optional[str]:
    """None if the command succeeded, else the last lines of its output."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false")
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode == 0:
        return None
    tail = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()][-8:]
    return "\n    ".join(tail)


def quick_tests(model: Path, project: Path = PROJECT_ROOT) -> List[str]:
    """Failures of the FAQ check (with Rasa's validation) and the test conversations."""
    from clinic_staff.faq.check import check_project

    failures = []
    print("  checking the FAQ files and validating the data (./staff faq check)...", flush=True)
    errors = check_project(project).errors
    if errors:
        failures.append(
            "./staff faq check found errors:\n    " + "\n    ".join(str(e) for e in errors)
        )
    print("  running the test conversations...", flush=True)
    output = _run(
        [
            stack.bin_path("rasa"),
            "test",
            "core",
            "--e2e",
            "--model",
            str(model),
            "--stories",
            "tests/conversations",
            "--fail-on-prediction-errors",
            "--out",
            str(project / "var" / "test-results" / "deploy"),
        ],
        project,
    )
    if output is not None:
        failures.append(f"the test conversations failed:\n    {output}")
    return failures


def quiet_rasa() -> None:
    """Keep Rasa's per-message debug lines and library warnings out of the staff's terminal."""
    import logging
    import warnings

    warnings.filterwarnings("ignore")  # before the imports: importing rasa warns
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.ERROR)
    configure_structlog(logging.ERROR)
    warnings.filterwarnings("ignore")  # configure_logging_and_warnings resets the filters


def heldout_accuracy(model: Path) -> float:
    """Held-out NLU accuracy of a model file (ml/evaluate.py), 0.0-1.0."""
    from ml import evaluate

    quiet_rasa()
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):  # library warnings printed while loading
            return evaluate.evaluate_heldout(model).accuracy
    except Exception as error:  # noqa: BLE001 - any failure becomes a refusal with details
        tail = "\n    ".join(captured.getvalue().splitlines()[-8:])
        raise DeployError(
            f"Could not measure the accuracy of {model.name}: {error}\n    {tail}"
        ) from error


@dataclass
class Gate:
    """What the deployment gate runs; tests replace the slow parts."""

    train: Callable[[], Path]
    run_tests: Callable[[Path], List[str]]
    accuracy: Callable[[Path], float]
    margin_points: float  # accuracy (percentage points) a candidate may lose


def default_gate(settings: Settings) -> Gate:
    from ml import train

    return Gate(
        train=train.train,
        run_tests=quick_tests,
        accuracy=heldout_accuracy,
        margin_points=settings.deploy_accuracy_margin,
    )


def _record(model: Path, accuracy: Optional[float]) -> dict:
    return {
        "model": str(model.resolve()),
        "name": model.name,
        "accuracy": accuracy,
        "deployed_at": _now(),
    }


def kept_models_dir(settings: Settings) -> Path:
    return settings.run_dir / "deploy" / "models"


def keep_copy(model: Path, settings: Settings) -> Path:
    """A copy of a deployed model under var/deploy/models, safe from `make clean` and retraining."""
    target = kept_models_dir(settings) / model.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        shutil.copyfile(model, partial)
        partial.replace(target)
    return target


def prune_copies(settings: Settings, state: dict) -> None:
    """Keep only the copies of the current and the previous model."""
    wanted = {Path(r["model"]).name for r in (state.get("current"), state.get("previous")) if r}
    for copy in kept_models_dir(settings).glob("*.tar.gz"):
        if copy.name not in wanted:
            copy.unlink()


def baseline(
    state: dict, loaded_name: str, model_dirs: List[Path], accuracy: Callable[[Path], float]
) -> Optional[dict]:
    """The deployed model's record: from the state file, or measured if the state is missing."""
    current = state.get("current")
    if current and current.get("name") == loaded_name:
        return current
    running = next((d / loaded_name for d in model_dirs if (d / loaded_name).exists()), None)
    if loaded_name and running:
        print(
            f"  no record of the running model {loaded_name}: measuring its accuracy...", flush=True
        )
        return _record(running, accuracy(running))
    return None


def deploy(
    settings: Settings, gate: Gate, server: Optional[Union[RasaServer, RasaFleet]] = None
) -> dict:
    """Train, test, compare, swap. Returns the new state; raises DeployError when refused."""
    server = server or server_for(settings)
    path = state_file(settings)
    state = read_state(path)
    loaded = server.loaded_model()
    print("Step 1/4: training the model (skipped when nothing changed)...", flush=True)
    try:
        candidate = gate.train()
    except SystemExit as error:  # ml/train.py stops this way when `rasa train` fails
        raise DeployError(f"Training failed: {error}") from error
    if candidate.name == loaded:
        raise DeployError(
            f"The assistant already runs {candidate.name}: nothing changed since "
            "the last deployment."
        )
    print("Step 2/4: testing the new model...", flush=True)
    failures = gate.run_tests(candidate)
    if failures:
        raise DeployError(
            "The new model failed its tests, so it was NOT deployed:\n  " + "\n  ".join(failures)
        )
    print("Step 3/4: measuring its accuracy on questions it was not trained on...", flush=True)
    new_accuracy = gate.accuracy(candidate)
    old = baseline(state, loaded, [settings.model_dir, kept_models_dir(settings)], gate.accuracy)
    old_accuracy = old.get("accuracy") if old else None
    if old_accuracy is not None and new_accuracy * 100 < old_accuracy * 100 - gate.margin_points:
        raise DeployError(
            f"The new model answers {new_accuracy:.1%} of the test questions right; the running "
            f"one answers {old_accuracy:.1%}. That is more than {gate.margin_points:g} points "
            "worse, so it was NOT deployed. Look at recent FAQ changes (./staff faq check), "
            "e.g. phrasings that overlap between two topics."
        )
    print(f"Step 4/4: loading {candidate.name} into the running assistant...", flush=True)
    kept = keep_copy(candidate, settings)
    if old and Path(old["model"]).exists():
        old = {**old, "model": str(keep_copy(Path(old["model"]), settings))}
    server.switch_to(kept)
    record = _record(kept, new_accuracy)
    state.update(previous=old, current=record)
    state.setdefault("history", []).append({**record, "action": "deploy"})
    state["history"] = state["history"][-HISTORY_LENGTH:]
    write_state(path, state)
    prune_copies(settings, state)
    return state


def rollback(settings: Settings, server: Optional[Union[RasaServer, RasaFleet]] = None) -> dict:
    """Load the previously deployed model again and swap current/previous in the state."""
    path = state_file(settings)
    state = read_state(path)
    previous = state.get("previous")
    if not previous:
        raise DeployError(
            "There is no previous model recorded to go back to (./staff deploy "
            "records one each time it switches models)."
        )
    model = Path(previous["model"])
    if not model.exists():
        raise DeployError(f"The previous model file {model} no longer exists.")
    server = server or server_for(settings)
    server.loaded_model()
    server.switch_to(model)
    state.update(previous=state.get("current"), current={**previous, "deployed_at": _now()})
    state.setdefault("history", []).append({**state["current"], "action": "rollback"})
    state["history"] = state["history"][-HISTORY_LENGTH:]
    write_state(path, state)
    return state


def deploy_command(
    settings: Settings,
    gate: Optional[Gate] = None,
    server: Optional[Union[RasaServer, RasaFleet]] = None,
) -> int:
    """`./staff deploy`: exit status 0 when deployed, 1 when refused or failed."""
    try:
        state = deploy(settings, gate or default_gate(settings), server)
    except DeployError as error:
        print(
            f"NOT deployed. {error}\nThe assistant keeps running its current model.",
            file=sys.stderr,
        )
        return 1
    current = state["current"]
    print(
        f"Deployed {current['name']} (held-out accuracy {current['accuracy']:.1%}). "
        "If anything looks wrong, run ./staff rollback."
    )
    return 0


def rollback_command(
    settings: Settings, server: Optional[Union[RasaServer, RasaFleet]] = None
) -> int:
    """`./staff rollback`: exit status 0 when the previous model runs again."""
    try:
        state = rollback(settings, server)
    except DeployError as error:
        print(f"Rollback not done. {error}", file=sys.stderr)
        return 1
    print(f"Rolled back: the assistant runs {state['current']['name']} again.")
    return 0
