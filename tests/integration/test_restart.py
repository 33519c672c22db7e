"""Nothing is lost across restarts: the real servers, stopped and started again."""

import pytest
import requests

from actions.settings import load_settings
from actions.storage import get_storage
from tests.conftest import free_port, start_services
from tools import stack

TOKEN = "test-token"


@pytest.fixture
def deployment(tmp_path, model_path):
    settings = load_settings({
        "CLINIC_DATA_DIR": str(tmp_path),
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "RASA_AUTH_TOKEN": TOKEN,
    })
    env = stack.service_environment(settings)
    services = {"actions": stack.action_service(settings),
                "rasa": stack.rasa_service(settings, model_path, TOKEN)}
    start_services(list(services.values()), env)

    class Deployment:
        base = f"http://localhost:{settings.rasa_port}"

        def say(self, sender, text):
            response = requests.post(f"{self.base}/webhooks/rest/webhook",
                                     json={"sender": sender, "message": text}, timeout=30)
            response.raise_for_status()
            return " ".join(m.get("text", "") for m in response.json())

        def tracker(self, sender):
            response = requests.get(f"{self.base}/conversations/{sender}/tracker",
                                    params={"token": TOKEN}, timeout=30)
            response.raise_for_status()
            return response.json()

        def restart(self, *names):
            for name in names:
                services[name].stop()
            start_services([services[name] for name in names], env)

    yield Deployment(), settings
    for service in services.values():
        service.stop()


def test_conversation_and_form_survive_a_restart_of_both_servers(deployment):
    bot, settings = deployment
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
    bot, settings = deployment
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
        (reference, "Priya", "priya@example.org")]
    assert "same day" in bot.say("visitor-8", "how quickly does ketamine work?")
