"""Faults with real servers: unwritable booking database, action server restarted mid-form."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import requests

from clinic_core.settings import PROJECT_ROOT, load_clinic
from clinic_core.storage import get_storage
from tests.servers import Deployment, deploy


@pytest.fixture(scope="module")
def bot(tmp_path_factory, model_path) -> Iterator[Tuple[Deployment, Path]]:
    data_dir = tmp_path_factory.mktemp("faults")
    blocker = data_dir / "clinic-db"  # a file where the database's directory should be
    blocker.write_text("")
    for deployment in deploy(
        data_dir,
        model_path,
        {"CLINIC_DB_URL": f"sqlite:///{blocker}/clinic.db"},
        process_env={"LOG_LEVEL": "DEBUG"},
    ):
        yield deployment, blocker


def fill_form(bot: Deployment, sender: str) -> str:
    bot.say(sender, "could someone call me back please")
    bot.say(sender, "Priya")
    bot.say(sender, "priya@example.org")
    bot.say(sender, "weekday mornings")
    return bot.say(sender, "yes")


def test_a_crisis_flag_is_not_lost_when_the_clinic_database_cannot_be_written(bot, capsys):
    """Runs first, while the clinic database is still unwritable."""
    deployment, _ = bot
    reply = deployment.say("fault-crisis", "I want to kill myself")
    assert "988" in reply and "can't do that right now" not in reply
    tracker = deployment.tracker("fault-crisis")
    assert tracker["slots"]["crisis_flagged"] is True  # kept in the conversation
    log = deployment.services["actions"].log_file.read_text(errors="replace")
    assert "CRISIS FLAG NOT WRITTEN for fault-crisis" in log  # reported, after retries
    metrics = requests.get(
        f"http://127.0.0.1:{deployment.settings.action_port}/metrics",
        headers={"Authorization": f"Bearer {deployment.env['ACTION_SERVER_TOKEN']}"},
        timeout=10,
    ).text
    assert "clinic_crisis_flag_write_failures_total 1.0" in metrics

    env = {
        "CLINIC_DB_URL": deployment.settings.database_url,
        "TRACKER_STORE_URL": deployment.settings.tracker_store_url,
    }
    staff = subprocess.run(
        [str(PROJECT_ROOT / "staff"), "flags"],
        env={**os.environ, **env, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert "fault-crisis" in staff.stdout and "NOT IN CLINIC DB" in staff.stdout
    assert "have no flag in the clinic database" in staff.stderr and staff.returncode == 1


def test_failed_save_is_reported_and_a_later_request_retries_without_asking_again(bot):
    deployment, blocker = bot
    reply = fill_form(deployment, "fault-1")
    assert "NOT been sent" in reply and load_clinic().phone in reply
    assert "reference KT-" not in reply
    slots = deployment.tracker("fault-1")["slots"]
    assert (slots["callback_first_name"], slots["callback_contact"]) == (
        "Priya",
        "priya@example.org",
    )

    blocker.unlink()  # the database is back
    reply = deployment.say("fault-1", "could someone call me back please")
    # only the consent is asked again: name, contact and times were kept
    assert "contact you at priya@example.org" in reply and "first name" not in reply
    assert "reference KT-" in deployment.say("fault-1", "yes")
    saved = get_storage(deployment.settings.database_url).list_bookings()
    assert [(b["first_name"], b["contact"]) for b in saved] == [("Priya", "priya@example.org")]


def test_action_server_restart_in_the_middle_of_the_form(bot):
    deployment, _ = bot
    assert "first name" in deployment.say("fault-2", "could someone call me back please")
    assert "phone number or email" in deployment.say("fault-2", "Maria")

    deployment.restart("actions")

    assert "good time to reach you" in deployment.say("fault-2", "212 555 0147")
    slots = deployment.tracker("fault-2")["slots"]
    assert slots["callback_first_name"] == "Maria" and slots["callback_contact"] == "+12125550147"


def test_logs_hold_no_email_phone_or_name_even_at_debug_level(bot):
    deployment, _ = bot
    deployment.say("fault-3", "could someone call me back please")
    deployment.say("fault-3", "my name is Zebulon")
    deployment.say("fault-3", "zebulon.q@example.org")
    deployment.say("fault-3", "stop")
    deployment.say("fault-3", "you can reach me on 917 555 0199")
    logs = "\n".join(
        deployment.services[name].log_file.read_text(errors="replace")
        for name in ("rasa", "actions")
    )
    assert "[email]" in logs and "[name]" in logs, "debug logs should mention them, masked"
    for secret in ("zebulon.q@example.org", "Zebulon", "917 555 0199", "9175550199"):
        assert secret not in logs
