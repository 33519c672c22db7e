"""End to end: a new FAQ made with `./staff faq new` is answered after retraining.

Trains NLU only, with fewer DIET epochs than config.yml: the point is that a new file in
data/faq needs no other edit (its phrasings reach the semantic retriever's index), not the
model's final accuracy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from clinic_core.settings import PROJECT_ROOT
from clinic_staff import cli as staff
from ml.evaluate import parse_each, predicted_label
from tests import new_faq

QUICK_EPOCHS = 10


def quick_config(project: Path) -> Path:
    config = yaml.safe_load((project / "config.yml").read_text())
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier":
            component["epochs"] = QUICK_EPOCHS
    path = project / "config-quick.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def test_a_new_faq_is_answered_after_retraining(project, monkeypatch, capsys):
    assert (
        staff.main(
            [
                "faq",
                "new",
                "--project",
                str(project),
                "--topic",
                new_faq.TOPIC,
                "--question",
                new_faq.QUESTION,
                "--answer",
                new_faq.ANSWER,
                *[arg for p in new_faq.PHRASINGS for arg in ("--phrasing", p)],
            ]
        )
        == 0
    )
    assert staff.main(["faq", "check", "--project", str(project), "--skip-rasa"]) == 0
    rasa = str(Path(sys.executable).with_name("rasa"))
    env = dict(
        os.environ,
        PYTHONPATH=str(PROJECT_ROOT),  # the code (custom components) from the repository
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",
    )
    training = subprocess.run(
        [
            rasa,
            "train",
            "nlu",
            "--config",
            str(quick_config(project)),
            "--nlu",
            "data",
            "--domain",
            "domain.yml",
            "--out",
            "models",
            "--fixed-model-name",
            "quick",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert training.returncode == 0, training.stderr[-3000:]

    monkeypatch.chdir(project)  # the pipeline names the spaCy model by relative path
    questions = new_faq.UNSEEN_QUESTIONS + ["how much does ketamine cost"]
    parses = [parse for parse, _ in parse_each(project / "models" / "quick.tar.gz", questions)]
    assert [predicted_label(p) for p in parses] == [f"faq/{new_faq.TOPIC}"] * 2 + ["faq/cost"]
    response = parses[0]["response_selector"]["faq"]["response"]
    assert response["utter_action"] == f"utter_faq/{new_faq.TOPIC}"
    assert response["responses"][0]["text"] == new_faq.ANSWER
