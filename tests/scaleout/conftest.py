"""The scaled-out set-up of `make scaleout`, started once for tests/scaleout/.

PostgreSQL, Redis, two Rasa servers, one action server and nginx, on free ports, with
their files in a fresh directory under /tmp (PostgreSQL runs as the `postgres` user when
the tests run as root, and that user cannot enter pytest's private tmp directories).
Missing Debian packages are installed by the same code as `make scaleout`.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Tuple

import pytest
import requests
import yaml

from clinic_core.settings import PROJECT_ROOT, load_clinic, load_settings
from ops import scaleout
from tests.conftest import free_port

TOKEN = "scaleout-test-token"
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts" / "scaleout"
# Short, so a message retried after a server is killed waits little for that server's lock.
LOCK_LIFETIME_S = "10"
REQUEST_TIMEOUT_S = 120


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "scaleout: starts PostgreSQL, Redis, nginx and two Rasa servers "
        "(select with -m scaleout, skip with -m 'not scaleout')",
    )


@pytest.fixture(scope="session")
def deployment(model_path) -> Iterator[scaleout.ScaleOut]:
    run_dir = Path(tempfile.mkdtemp(prefix="clinic-scaleout-"))
    run_dir.chmod(0o755)
    layout = scaleout.Layout(
        run_dir=run_dir,
        postgres_dir=run_dir / "postgres",
        proxy_port=free_port(),
        actions_proxy_port=free_port(),
        postgres_port=free_port(),
        redis_port=free_port(),
        rasa_ports=[free_port(), free_port()],
        action_ports=[free_port()],
    )
    base_env = {
        "CLINIC_DATA_DIR": str(run_dir),
        "RASA_AUTH_TOKEN": TOKEN,
        "TICKET_LOCK_LIFETIME": LOCK_LIFETIME_S,
        # Every test visitor comes from 127.0.0.1: nginx's per-IP limits out of the way
        # (tests/integration/hardening/test_supervised.py tests the limits).
        "RATE_LIMIT_IP_PER_MINUTE": "100000",
        "MAX_CONNECTIONS_PER_IP": "1000",
        "CONSOLE_PORT": str(free_port()),
    }
    setup = scaleout.ScaleOut(layout=layout, token=TOKEN, model=model_path, base_env=base_env)
    try:
        setup.start()
        yield setup
    finally:
        setup.stop()
        keep_logs(run_dir)
        shutil.rmtree(run_dir, ignore_errors=True)


def keep_logs(run_dir: Path) -> None:
    """Every service's log (nginx's access log says which server answered what) for later reading."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for log in [*run_dir.glob("logs/*.log"), *run_dir.glob("nginx/*.log")]:
        shutil.copy(log, ARTIFACTS / f"{log.parent.name}-{log.name}")


# --------------------------------------------------------------------------- what the bot must say


def _responses() -> Dict[str, List[str]]:
    """Every response text by name: domain.yml plus the FAQ answers in data/faq/."""
    responses = dict(yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["responses"])
    for path in sorted((PROJECT_ROOT / "data" / "faq").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text()).get("responses") or {})
    return {
        name: [v["text"] for v in variants if "text" in v] for name, variants in responses.items()
    }


def faq_question(topic: str) -> str:
    """A phrasing staff wrote for the FAQ: its first training example of four words or more
    (two-word or misspelt ones may rightly get "Did you mean", not the answer)."""
    data = yaml.safe_load((PROJECT_ROOT / "data" / "faq" / f"{topic}.yml").read_text())
    examples = next(item["examples"] for item in data["nlu"] if item["intent"] == f"faq/{topic}")
    phrasings = [line.lstrip("- ").strip() for line in examples.strip().splitlines()]
    return next(p for p in phrasings if len(p.split()) >= 4)


@dataclass(frozen=True)
class Turn:
    """One visitor message and what the bot's first reply must be."""

    message: str
    response: Optional[str] = None  # a response of domain.yml or data/faq/ ...
    slots: Tuple[Tuple[str, str], ...] = ()  # ... filled with these slot values
    contains: Optional[str] = None  # or, for text written by a custom action, this part


class Expectations:
    def __init__(self) -> None:
        self.responses = _responses()
        self.clinic_slots = load_clinic(load_settings({})).as_slots()

    def texts(self, turn: Turn) -> List[str]:
        slots: Mapping[str, str] = {**self.clinic_slots, **dict(turn.slots)}
        return [
            re.sub(r"\{(\w+)\}", lambda m: str(slots.get(m.group(1), m.group(0))), text)
            for text in self.responses[turn.response]
        ]

    def check(self, turn: Turn, replies: List[dict]) -> None:
        first = replies[0].get("text", "") if replies else ""
        if turn.response:
            assert first in self.texts(turn), (
                f"{turn.message!r} should get {turn.response}, got {first!r}"
            )
        if turn.contains:
            assert turn.contains in first, (
                f"{turn.message!r} should get {turn.contains!r}, got {first!r}"
            )


@pytest.fixture(scope="session")
def expect() -> Expectations:
    return Expectations()


# --------------------------------------------------------------------------- talking to it


def say(base_url: str, sender: str, text: str, request_id: Optional[str] = None) -> List[dict]:
    """One REST turn; `request_id` is the X-Request-ID header nginx adds (and keeps on resend)."""
    response = requests.post(
        f"{base_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": text},
        headers={"X-Request-ID": request_id} if request_id else {},
        timeout=REQUEST_TIMEOUT_S,
    )
    response.raise_for_status()
    return response.json()


def tracker(base_url: str, sender: str) -> dict:
    response = requests.get(
        f"{base_url}/conversations/{sender}/tracker",
        params={"token": TOKEN},
        timeout=REQUEST_TIMEOUT_S,
    )
    response.raise_for_status()
    return response.json()


def said_and_answered(events: List[dict]) -> Tuple[List[str], List[Optional[str]]]:
    """The visitor's messages and the bot's messages, in the order the tracker keeps them."""
    return (
        [e["text"] for e in events if e["event"] == "user"],
        [e.get("text") for e in events if e["event"] == "bot"],
    )


def database_url(setup: scaleout.ScaleOut) -> str:
    return setup.environment["CLINIC_DB_URL"]
