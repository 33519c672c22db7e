"""Action server unreachable: the visitor is told to call, and FAQs keep being answered."""

from __future__ import annotations

from typing import Iterator

import pytest

from clinic_core.settings import load_clinic
from tests.conftest import start_services
from tests.servers import Deployment

FAQ = "how quickly does ketamine work?"


@pytest.fixture(scope="module")
def bot(deployment) -> Iterator[Deployment]:
    """The shared deployment with its action server stopped: its port refuses connections."""
    actions = deployment.services["actions"]
    actions.stop()
    yield deployment
    start_services([actions], deployment.env)


def test_session_start_without_the_action_server_still_fills_the_clinic_details(bot):
    reply = bot.say("down-1", "hello")
    clinic = load_clinic()
    assert clinic.clinic_name in reply and "{" not in reply
    slots = bot.tracker("down-1")["slots"]
    assert slots["clinic_phone"] == clinic.phone


def test_booking_request_gets_the_phone_number_and_faqs_still_work(bot):
    reply = bot.say("down-2", "how do I book a consultation")
    assert "can't do that right now" in reply and load_clinic().phone in reply
    assert "same day" in bot.say("down-2", FAQ)


def test_callback_form_is_not_started_and_says_so_once(bot):
    # The form's validation action runs as the form starts, so the visitor learns at once
    # instead of typing their details into a form that cannot be submitted.
    reply = bot.say("down-3", "could someone call me back please")
    assert reply.count("can't do that right now") == 1 and load_clinic().phone in reply
    assert "first name" not in reply
    assert bot.tracker("down-3")["active_loop"].get("name") is None
    assert "same day" in bot.say("down-3", FAQ)


def test_crisis_resources_and_followup_arrive_without_an_apology(bot):
    reply = bot.say("down-4", "I want to kill myself")
    assert "988" in reply and "call us at" in reply
    assert "can't do that right now" not in reply
    assert bot.tracker("down-4")["slots"]["crisis_flagged"] is True
