"""Faults with real servers: unwritable booking database, action server restarted mid-form."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Tuple

import pytest

from clinic_core.settings import load_clinic
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
