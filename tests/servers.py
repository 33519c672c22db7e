"""Real servers for tests: an action server and a Rasa server on free ports, with their own data."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator, List, Optional

import requests

from clinic_core.settings import ABUSE_LIMITS_OFF, Settings, load_settings
from ops import stack
from tests.conftest import free_port, start_services

TOKEN = "test-token"
WEB_ORIGIN = "http://localhost:18080"


class Deployment:
    """The servers under test and small helpers to talk to them."""

    def __init__(
        self, settings: Settings, services: Dict[str, stack.Service], env: Dict[str, str]
    ) -> None:
        self.settings, self.services, self.env = settings, services, env
        self.base = f"http://127.0.0.1:{settings.rasa_port}"
        self.webhook = f"{self.base}/webhooks/rest/webhook"

    def post(self, payload, **kwargs) -> requests.Response:
        return requests.post(self.webhook, json=payload, timeout=60, **kwargs)

    def say(self, sender: str, text: str) -> str:
        response = self.post({"sender": sender, "message": text})
        assert response.status_code == 200, response.text
        return " ".join(m.get("text", "") for m in response.json())

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.base}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def rasa_pid(self) -> int:
        return self.services["rasa"].process.pid

    def restart(self, *names: str) -> None:
        for name in names:
            self.services[name].stop()
        start_services([self.services[name] for name in names], self.env)


def deploy(
    data_dir: Path,
    model_path: Path,
    extra: Optional[Dict[str, str]] = None,
    with_action_server: bool = True,
    process_env: Optional[Dict[str, str]] = None,
) -> Iterator[Deployment]:
    settings = load_settings(
        {
            "CLINIC_DATA_DIR": str(data_dir),
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "RASA_AUTH_TOKEN": TOKEN,
            "CORS_ORIGINS": WEB_ORIGIN,
            **ABUSE_LIMITS_OFF,  # the tests talk from one address; test_supervised tests them
            **(extra or {}),
        }
    )
    env = {**stack.service_environment(settings), **(process_env or {})}
    services = {"rasa": stack.rasa_service(settings, model_path, TOKEN)}
    if with_action_server:
        services["actions"] = stack.action_service(settings)
    order: List[stack.Service] = list(reversed(list(services.values())))
    start_services(order, env)
    try:
        yield Deployment(settings, services, env)
    finally:
        for service in services.values():
            service.stop()
