"""Shared fixtures: one trained model, one action server and one loaded agent per test run."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from clinic_core.settings import PROJECT_ROOT, load_settings
from ml import train
from ops import stack

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Each top-level test folder is a tier with a marker of the same name (pyproject.toml), so any
# tier runs alone: `pytest -m unit` (what `make check` runs), `pytest -m "not scaleout"`, ...
TIERS = ("unit", "integration", "e2e", "scaleout", "bench")


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    tests_dir = Path(__file__).parent
    for item in items:
        tier = Path(str(item.fspath)).relative_to(tests_dir).parts[0]
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model for the current training inputs, trained once if missing."""
    os.chdir(PROJECT_ROOT)  # the NLU config names the spaCy pipeline by relative path
    return train.train()


@pytest.fixture(scope="session")
def event_loop_for_agent() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def start_services(services: List[stack.Service], env: Dict[str, str]) -> None:
    for service in services:
        service.start(env)
    stack.wait_until_healthy(services)


@pytest.fixture(scope="session")
def action_server(tmp_path_factory) -> Iterator[str]:
    """A real action server on a free port, with its own database; yields its webhook URL."""
    data_dir = tmp_path_factory.mktemp("action-server")
    port = free_port()
    settings = load_settings({"ACTION_PORT": str(port), "CLINIC_DATA_DIR": str(data_dir)})
    env = stack.service_environment(settings)
    service = stack.action_service(settings)
    start_services([service], env)
    os.environ["TEST_ACTION_SERVER_TOKEN"] = env["ACTION_SERVER_TOKEN"]  # for `agent`
    try:
        yield settings.action_endpoint_url
    finally:
        service.stop()


class Conversation:
    """Talks to an in-process Rasa agent and returns what the bot said."""

    def __init__(self, agent, loop: asyncio.AbstractEventLoop, sender_id: str) -> None:
        self.agent, self.loop, self.sender_id = agent, loop, sender_id

    def say(self, text: str) -> List[dict]:
        return (
            self.loop.run_until_complete(self.agent.handle_text(text, sender_id=self.sender_id))
            or []
        )

    def tracker(self):
        return self.loop.run_until_complete(self.agent.processor.get_tracker(self.sender_id))


@pytest.fixture(scope="session")
def agent(model_path, action_server, event_loop_for_agent):
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from clinic_core.settings import ACTION_TOKEN_HEADER

    # the shared secret, as endpoints.yml makes Rasa send it
    headers = {ACTION_TOKEN_HEADER: os.environ["TEST_ACTION_SERVER_TOKEN"]}
    return Agent.load(
        str(model_path), action_endpoint=EndpointConfig(url=action_server, headers=headers)
    )


@pytest.fixture
def conversation(agent, event_loop_for_agent, request) -> Conversation:
    """A fresh conversation with a sender id unique to the test."""
    return Conversation(agent, event_loop_for_agent, f"test-{request.node.name}-{id(request)}")


def parse(agent, loop: asyncio.AbstractEventLoop, text: str) -> dict:
    return loop.run_until_complete(agent.parse_message(text))
