"""Nothing is lost across restarts: the real servers, stopped and started again."""

import pytest

from clinic_core.storage import get_storage
from tests.servers import deploy


@pytest.fixture
def deployment(tmp_path, model_path):
    yield from deploy(tmp_path, model_path)


def test_conversation_and_form_survive_a_restart_of_both_servers(deployment):
    bot = deployment
    assert "automated assistant" in bot.say("visitor-7", "hello")
    assert "first name" in bot.say("visitor-7", "could someone call me back please")
    assert "phone number or email" in bot.say("visitor-7", "Maria")

    bot.restart("rasa", "actions")

    tracker = bot.tracker("visitor-7")
    said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert said == ["hello", "could someone call me back please", "Maria"]
    assert tracker["slots"]["callback_first_name"] == "Maria"
    assert tracker["active_loop"]["name"] == "callback_form"
    # ...and the conversation continues where it was.
    assert "good time to reach you" in bot.say("visitor-7", "212 555 0147")


def test_confirmed_request_is_in_the_database_after_the_action_server_restarts(deployment):
    bot, settings = deployment, deployment.settings
    bot.say("visitor-8", "request a callback")
    bot.say("visitor-8", "Priya")
    bot.say("visitor-8", "priya@example.org")
    bot.say("visitor-8", "weekday mornings")
    reply = bot.say("visitor-8", "yes")
    assert "reference KT-" in reply
    reference = reply.split("reference ")[1].split()[0].rstrip(".")

    bot.restart("actions")

    saved = get_storage(settings.database_url).list_bookings()
    assert [(b["reference"], b["first_name"], b["contact"]) for b in saved] == [
        (reference, "Priya", "priya@example.org")
    ]
    assert "same day" in bot.say("visitor-8", "how quickly does ketamine work?")
