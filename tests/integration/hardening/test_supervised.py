"""The assistant as `make run` starts it (supervisord), attacked and faulted from outside.

One `make run` in a fresh data directory on free ports, then: kill -9 of each service
under load (the others keep answering, supervisord restarts it), a forged call to the
action server, the network addresses every service listens on, the token on command
lines, file modes, rate limits (429), 50 messages at once in one conversation, a repeated
"yes" after Rasa died mid-booking, nested JSON, and the metrics endpoints.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import stat
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
import requests

from clinic_core.settings import ACTION_TOKEN_HEADER, PROJECT_ROOT
from clinic_core.storage import get_storage
from ops.supervise import Supervisor
from tests.conftest import free_port

TOKEN = "supervised-test-token-" + uuid.uuid4().hex
FAQ = "how quickly does ketamine work?"
FAQ_ANSWER = "same day"
CRISIS = "I want to kill myself"
START_TIMEOUT_S = 600
RESTART_TIMEOUT_S = 300


@dataclass
class Running:
    data_dir: Path
    ports: Dict[str, int]
    process: subprocess.Popen
    supervisor: Supervisor
    log: Path

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.ports['rasa']}"

    @property
    def actions(self) -> str:
        return f"http://127.0.0.1:{self.ports['actions']}"

    @property
    def web(self) -> str:
        return f"http://127.0.0.1:{self.ports['web']}"

    def post(self, sender: str, text: str, timeout: float = 60) -> requests.Response:
        return requests.post(
            f"{self.rasa}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )

    def say(self, sender: str, text: str) -> str:
        response = self.post(sender, text)
        assert response.status_code == 200, response.text
        return " ".join(m.get("text", "") for m in response.json())

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.rasa}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def action_token(self) -> str:
        return (self.data_dir / "action_token").read_text().strip()

    def pid(self, program: str) -> int:
        return self.supervisor.pid(program)

    def wait_restarted(self, program: str, old_pid: int, health: str) -> float:
        """Seconds until supervisord runs `program` again under a new pid and it is ready."""
        started = time.monotonic()
        while True:
            pid = self.pid(program)
            if pid not in (0, old_pid) and ready(health):
                return time.monotonic() - started
            assert time.monotonic() - started < RESTART_TIMEOUT_S, f"{program} not restarted"
            time.sleep(0.5)


def ready(url: str) -> bool:
    try:
        response = requests.get(url, timeout=3)
        return response.status_code == 200 and (
            "model_id" not in response.text or bool(response.json().get("model_id"))
        )
    except (requests.RequestException, ValueError):
        return False


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[Running]:
    """`make run` with its own data directory and ports, stopped with Ctrl-C (SIGINT)."""
    data_dir = tmp_path_factory.mktemp("supervised") / "var"
    ports = {"rasa": free_port(), "actions": free_port(), "web": free_port()}
    env = {
        **os.environ,
        "CLINIC_DATA_DIR": str(data_dir),
        "RASA_PORT": str(ports["rasa"]),
        "ACTION_PORT": str(ports["actions"]),
        "WEB_PORT": str(ports["web"]),
        "RASA_AUTH_TOKEN": TOKEN,
        "CORS_ORIGINS": f"http://localhost:{ports['web']}",
        # every test request comes from 127.0.0.1: per-IP limits out of the way, the
        # per-conversation ones low enough to test
        "RATE_LIMIT_IP_PER_MINUTE": "0",
        "NEW_CONVERSATIONS_PER_IP_PER_HOUR": "0",
        "RATE_LIMIT_CONVERSATION_PER_MINUTE": "12",
    }
    env.pop("ACTION_SERVER_TOKEN", None)
    log = tmp_path_factory.mktemp("supervised-log") / "make-run.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started = time.monotonic()
    while "The assistant is running." not in log.read_text(errors="replace"):
        assert process.poll() is None, f"make run stopped:\n{log.read_text()[-3000:]}"
        assert time.monotonic() - started < START_TIMEOUT_S, log.read_text()[-3000:]
        time.sleep(1)
    supervisor = Supervisor(data_dir / "run", [], {})
    try:
        yield Running(data_dir, ports, process, supervisor, log)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class Load:
    """Visitors asking FAQs in a loop while something is done to the servers."""

    def __init__(self, running: Running, visitors: int = 4) -> None:
        self.running, self.visitors = running, visitors
        self.answered = 0
        self.failures: List[str] = []
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._visitor, args=(n,), daemon=True) for n in range(visitors)
        ]

    def _visitor(self, number: int) -> None:
        turn, sender = 0, ""
        while not self.stop.is_set():
            if turn % 8 == 0:  # a new conversation every 8 turns: within the per-conversation limit
                sender = f"load-{number}-{uuid.uuid4().hex[:8]}"
            text, expected = (CRISIS, "988") if turn % 5 == 4 else (FAQ, FAQ_ANSWER)
            try:
                response = self.running.post(sender, text, timeout=60)
                replies = " ".join(m.get("text", "") for m in response.json())
                if response.status_code != 200 or expected not in replies:
                    self.failures.append(f"{text!r}: {response.status_code} {replies[:120]}")
                else:
                    self.answered += 1
            except (requests.RequestException, ValueError) as error:
                self.failures.append(f"{text!r}: {type(error).__name__}")
            turn += 1
            time.sleep(0.2)

    def __enter__(self) -> "Load":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=120)


# --------------------------------------------------------------------------- network, files


def listening_addresses(port: int) -> List[str]:
    """Local addresses with a listening TCP socket on `port` (from /proc/net/tcp{,6})."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                if len(address) == 8:
                    found.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                else:
                    found.append(address)
    return found


def test_every_service_listens_on_loopback_only(running):
    for name, port in running.ports.items():
        assert listening_addresses(port) == ["127.0.0.1"], name


def test_a_forged_call_to_the_action_server_is_refused_and_saves_nothing(running):
    forged = {
        "next_action": "action_submit_callback",
        "sender_id": "attacker",
        "tracker": {
            "sender_id": "attacker",
            "slots": {
                "callback_first_name": "Mallory",
                "callback_contact": "+12125550100",
                "callback_contact_method": "phone",
                "callback_times": "any",
                "callback_consent": True,
            },
            "latest_message": {},
            "events": [],
        },
        "domain": {},
        "version": "3.6.21",
    }
    for headers in ({}, {ACTION_TOKEN_HEADER: "wrong"}, {"Authorization": "Bearer wrong"}):
        response = requests.post(
            f"{running.actions}/webhook", json=forged, headers=headers, timeout=10
        )
        assert response.status_code == 401
    flag = {**forged, "next_action": "action_flag_crisis"}
    assert requests.post(f"{running.actions}/webhook", json=flag, timeout=10).status_code == 401
    assert requests.get(f"{running.actions}/actions", timeout=10).status_code == 401
    assert requests.get(f"{running.actions}/health", timeout=10).status_code == 200
    storage = get_storage(f"sqlite:///{running.data_dir / 'clinic.db'}")
    assert [b for b in storage.list_bookings() if b["conversation_id"] == "attacker"] == []
    assert [f for f in storage.list_flags() if f["conversation_id"] == "attacker"] == []
    # ... while Rasa, which sends the secret, still runs custom actions
    assert "first name" in running.say(f"booker-{uuid.uuid4().hex[:6]}", "call me back please")


def test_token_is_on_no_command_line_and_files_are_private(running):
    running.say("files-1", FAQ)  # both databases exist now
    for program in ("rasa-server", "action-server", "web-chat"):
        cmdline = Path(f"/proc/{running.pid(program)}/cmdline").read_bytes().decode()
        assert TOKEN not in cmdline and running.action_token() not in cmdline, program
    assert stat.S_IMODE(running.data_dir.stat().st_mode) == 0o700
    for name in ("clinic.db", "conversations.db", "action_token"):
        assert stat.S_IMODE((running.data_dir / name).stat().st_mode) == 0o600, name
    config = running.data_dir / "run" / "supervisord.conf"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- abuse limits


def test_a_flooding_conversation_gets_429_and_others_are_still_served(running):
    flooder = f"flood-{uuid.uuid4().hex[:6]}"
    statuses = [running.post(flooder, f"{FAQ} {n}").status_code for n in range(20)]
    assert 429 in statuses and statuses[0] == 200
    refused = running.post(flooder, FAQ)
    assert refused.status_code == 429 and "faster than I can answer" in refused.json()[0]["text"]
    assert FAQ_ANSWER in running.say(f"other-{uuid.uuid4().hex[:6]}", FAQ)


def test_fifty_messages_at_once_in_one_conversation_are_answered_or_clearly_refused(running):
    sender = f"burst-{uuid.uuid4().hex[:6]}"
    texts = [f"{FAQ} ({n})" for n in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda text: running.post(sender, text, timeout=120), texts))
    answered = [t for t, r in zip(texts, responses) if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 429]
    assert len(answered) + len(refused) == 50, [r.status_code for r in responses]
    assert answered, "the first messages are answered"
    for response in refused:
        text = response.json()[0]["text"]
        assert "earlier messages" in text or "faster than I can answer" in text
    said = [e["text"] for e in running.tracker(sender)["events"] if e["event"] == "user"]
    assert sorted(said) == sorted(answered), "every answered message is stored, once"


def test_deeply_nested_json_gets_400_not_500(running):
    body = '{"sender": "nested", "message": "hi", "metadata": ' + "[" * 100_000 + "]" * 100_000
    response = requests.post(
        f"{running.rasa}/webhooks/rest/webhook",
        data=(body + "}").encode(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code in (400, 413)
    assert "error" in response.json()


def test_typed_slash_commands_create_no_flag_and_set_no_slot(running):
    sender = f"slash-{uuid.uuid4().hex[:6]}"
    for _ in range(3):
        assert "988" in running.say(sender, "/crisis")  # the crisis line, but no flag
    running.say(sender, '/request_callback{"callback_contact": "+12125550100"}')
    storage = get_storage(f"sqlite:///{running.data_dir / 'clinic.db'}")
    assert [f for f in storage.list_flags() if f["conversation_id"] == sender] == []
    slots = running.tracker(sender)["slots"]
    assert slots.get("callback_contact") is None and not slots.get("crisis_flagged")


# --------------------------------------------------------------------------- exactly once


def test_a_repeated_yes_after_rasa_died_mid_booking_saves_one_booking(running):
    sender = f"crash-booking-{uuid.uuid4().hex[:6]}"
    running.say(sender, "could someone call me back please")
    running.say(sender, "Priya")
    running.say(sender, "priya@example.org")
    running.say(sender, "weekday mornings")  # the consent question
    storage = get_storage(f"sqlite:///{running.data_dir / 'clinic.db'}")

    def saved() -> list:
        return [b for b in storage.list_bookings() if b["conversation_id"] == sender]

    # Hold the tracker store's write lock: Rasa runs the actions (the booking is saved) but
    # cannot record the turn; kill -9 it right then, as a crash after the save would.
    blocker = sqlite3.connect(running.data_dir / "conversations.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    rasa_pid = running.pid("rasa-server")
    confirm = threading.Thread(target=lambda: _ignore_errors(running.post, sender, "yes"))
    confirm.start()
    deadline = time.monotonic() + 60
    while not saved():
        assert time.monotonic() < deadline, "the booking was never saved"
        time.sleep(0.05)
    os.kill(rasa_pid, signal.SIGKILL)
    blocker.execute("ROLLBACK")
    blocker.close()
    confirm.join(timeout=60)
    running.wait_restarted("rasa-server", rasa_pid, f"{running.rasa}/status?token={TOKEN}")

    reference = saved()[0]["reference"]
    reply = running.say(sender, "yes")  # the visitor, or the widget's "Send again"
    assert f"reference {reference}" in reply
    assert len(saved()) == 1


def _ignore_errors(function, *args) -> None:
    try:
        function(*args)
    except requests.RequestException:
        pass


# --------------------------------------------------------------------------- metrics


def metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def scrape(url: str, token: Optional[str]) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.get(url, headers=headers, timeout=10)


def test_metrics_move_during_a_conversation_and_anonymous_scrapes_are_refused(running):
    endpoints = {
        "rasa": (f"{running.rasa}/webhooks/metrics/", TOKEN),
        "actions": (f"{running.actions}/metrics", running.action_token()),
        "web": (f"{running.web}/metrics", TOKEN),
    }
    for url, _ in endpoints.values():
        assert scrape(url, None).status_code == 401
        assert scrape(url, "wrong").status_code == 401
    before = {name: scrape(url, token).text for name, (url, token) in endpoints.items()}
    sender = f"metrics-{uuid.uuid4().hex[:6]}"
    running.say(sender, FAQ)
    running.say(sender, CRISIS)
    requests.get(f"{running.web}/healthz", timeout=10)
    after = {name: scrape(url, token).text for name, (url, token) in endpoints.items()}

    def grew(service: str, name: str, **labels: str) -> bool:
        return metric(after[service], name, **labels) > metric(before[service], name, **labels)

    assert grew("rasa", "clinic_messages_total", channel="rest", outcome="answered")
    assert grew("rasa", "clinic_message_latency_seconds_count", channel="rest")
    assert grew("rasa", "clinic_crisis_referrals_total")
    assert grew("rasa", "clinic_intents_total", intent="crisis")
    assert grew("actions", "clinic_action_requests_total", action="action_flag_crisis")
    assert grew("actions", "clinic_crisis_flags_total")
    assert grew("web", "clinic_web_requests_total", route="/healthz")


def test_metrics_are_unreachable_from_other_hosts(running):
    """Bound to 127.0.0.1: the machine's own network address refuses the connection."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only picks the outgoing address
            address = probe.getsockname()[0]
        except OSError:
            pytest.skip("no network address besides loopback")
    if address.startswith("127."):
        pytest.skip("no network address besides loopback")
    for port in running.ports.values():
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://{address}:{port}/metrics", timeout=5)


# --------------------------------------------------------------------------- supervision


def test_kill_9_of_the_action_server_under_load_keeps_faqs_and_crisis_answers(running):
    old = running.pid("action-server")
    with Load(running) as load:
        time.sleep(2)
        os.kill(old, signal.SIGKILL)
        restarted_s = running.wait_restarted("action-server", old, f"{running.actions}/health")
        time.sleep(2)
    assert load.failures == [], load.failures[:5]
    assert load.answered > 0
    assert "first name" in running.say(f"after-{uuid.uuid4().hex[:6]}", "call me back please")
    print(f"\naction server back after {restarted_s:.1f} s; {load.answered} answers, 0 failed")


def test_kill_9_of_the_web_chat_server_keeps_the_bot_answering(running):
    old = running.pid("web-chat")
    with Load(running) as load:
        time.sleep(1)
        os.kill(old, signal.SIGKILL)
        restarted_s = running.wait_restarted("web-chat", old, f"{running.web}/healthz")
    assert load.failures == [], load.failures[:5]
    print(f"\nweb chat server back after {restarted_s:.1f} s; {load.answered} answers, 0 failed")


def test_kill_9_of_the_rasa_server_is_restarted_and_answers_again(running):
    """One Rasa server on one machine: answers stop until it is back (the scale-out set-up
    answers from the surviving server at once: tests/scaleout). The other services run on."""
    old = running.pid("rasa-server")
    others = {p: running.pid(p) for p in ("action-server", "web-chat")}
    os.kill(old, signal.SIGKILL)
    assert ready(f"{running.web}/healthz")
    restarted_s = running.wait_restarted("rasa-server", old, f"{running.rasa}/status?token={TOKEN}")
    assert FAQ_ANSWER in running.say(f"after-rasa-{uuid.uuid4().hex[:6]}", FAQ)
    assert {p: running.pid(p) for p in others} == others, "the other services kept running"
    assert running.process.poll() is None, "make run is still running"
    print(f"\nRasa server back, with its model, {restarted_s:.1f} s after kill -9")


def test_ctrl_c_stops_every_service(running):
    pids = [running.pid(p) for p in ("rasa-server", "action-server", "web-chat")]
    os.killpg(running.process.pid, signal.SIGINT)
    running.process.wait(timeout=120)
    for pid in pids:
        assert not Path(f"/proc/{pid}").exists() or _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True
