"""`./staff deploy` / `./staff rollback` against a real Rasa server (one for this module)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import requests

from clinic_core.settings import load_settings
from clinic_staff.faq import deploy
from ops import stack
from tests.conftest import free_port, start_services

TOKEN = "staff-deploy-test-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory, model_path):
    """A Rasa server running the current model; yields its settings."""
    data_dir = tmp_path_factory.mktemp("deploy")
    settings = load_settings(
        {
            "CLINIC_DATA_DIR": str(data_dir),
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "RASA_AUTH_TOKEN": TOKEN,
            "MODEL_DIR": str(model_path.parent),
        }
    )
    service = stack.rasa_service(settings, model_path, TOKEN)
    start_services([service], stack.service_environment(settings))
    try:
        yield settings
    finally:
        service.stop()


def loaded_model(settings) -> str:
    response = requests.get(
        f"http://127.0.0.1:{settings.rasa_port}/status", params={"token": TOKEN}, timeout=30
    )
    response.raise_for_status()
    return Path(response.json()["model_file"]).name


def candidate_copy(model_path: Path, directory: Path) -> Path:
    """The same model under another name stands in for a retrained one."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "clinic-candidate.tar.gz"
    shutil.copyfile(model_path, target)
    return target


def gate(candidate: Path, accuracies: dict, failures=()) -> deploy.Gate:
    return deploy.Gate(
        train=lambda: candidate,
        run_tests=lambda model: list(failures),
        accuracy=lambda model: accuracies[model.name],
        margin_points=2.0,
    )


def test_refuses_a_candidate_whose_accuracy_dropped_and_keeps_the_old_model(
    server, model_path, tmp_path, capsys
):
    candidate = candidate_copy(model_path, tmp_path)
    accuracies = {model_path.name: 0.95, candidate.name: 0.92}
    assert deploy.deploy_command(server, gate(candidate, accuracies)) == 1
    err = capsys.readouterr().err
    assert "NOT deployed" in err and "92.0%" in err and "95.0%" in err
    assert "more than 2 points worse" in err
    assert loaded_model(server) == model_path.name
    assert not deploy.state_file(server).exists()


def test_refuses_a_candidate_that_fails_its_tests(server, model_path, tmp_path, capsys):
    candidate = candidate_copy(model_path, tmp_path)
    accuracies = {model_path.name: 0.95, candidate.name: 0.99}
    failing = gate(candidate, accuracies, ["test conversations failed:\n    story: crisis"])
    assert deploy.deploy_command(server, failing) == 1
    assert "failed its tests" in capsys.readouterr().err
    assert loaded_model(server) == model_path.name


def test_deploys_a_good_candidate_then_rolls_back(server, model_path, tmp_path, capsys):
    candidate = candidate_copy(model_path, tmp_path)
    accuracies = {model_path.name: 0.95, candidate.name: 0.94}  # within the 2-point margin
    assert deploy.deploy_command(server, gate(candidate, accuracies)) == 0
    assert loaded_model(server) == candidate.name
    state = json.loads(deploy.state_file(server).read_text())
    assert (state["current"]["name"], state["current"]["accuracy"]) == (candidate.name, 0.94)
    assert (state["previous"]["name"], state["previous"]["accuracy"]) == (model_path.name, 0.95)
    assert [h["action"] for h in state["history"]] == ["deploy"]
    # Both models are kept where `make clean` and retraining cannot remove them.
    assert sorted(p.name for p in deploy.kept_models_dir(server).iterdir()) == sorted(
        [candidate.name, model_path.name]
    )
    assert "Deployed clinic-candidate.tar.gz" in capsys.readouterr().out

    assert deploy.rollback_command(server) == 0
    assert loaded_model(server) == model_path.name
    state = json.loads(deploy.state_file(server).read_text())
    assert state["current"]["name"] == model_path.name
    assert state["previous"]["name"] == candidate.name
    assert [h["action"] for h in state["history"]] == ["deploy", "rollback"]


def test_refuses_when_training_fails(server, model_path, capsys):
    def failing_training():
        raise SystemExit("Training failed (exit 1); see the output above.")

    broken = deploy.Gate(
        train=failing_training,
        run_tests=lambda model: [],
        accuracy=lambda model: 1.0,
        margin_points=2.0,
    )
    assert deploy.deploy_command(server, broken) == 1
    assert "NOT deployed. Training failed" in capsys.readouterr().err
    assert loaded_model(server) == model_path.name


def test_rollback_without_a_previous_deployment_says_so(tmp_path, capsys):
    settings = load_settings({"CLINIC_DATA_DIR": str(tmp_path), "RASA_AUTH_TOKEN": TOKEN})
    assert deploy.rollback_command(settings) == 1
    assert "no previous model recorded to go back to" in capsys.readouterr().err
