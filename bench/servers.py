"""The real stack (ops/stack.py's services) on free ports with its own data directory."""

from __future__ import annotations

import dataclasses
import json
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from clinic_core.settings import ABUSE_LIMITS_OFF, PROJECT_ROOT, load_settings
from ops import stack

TOKEN = "bench-token"
GREETING = "hello"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def greeting_prefix(domain_file: Path = PROJECT_ROOT / "domain.yml") -> str:
    """The fixed start of utter_greet (up to its first slot), to recognise a correct first answer."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    text = str(domain["responses"]["utter_greet"][0]["text"])
    return re.split(r"\{", text, maxsplit=1)[0].strip()[:40]


def rss_bytes_of_group(pgid: int) -> int:
    """Sum of VmRSS over the processes in process group `pgid` (read from /proc)."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            # Fields after the parenthesised command name: state ppid pgrp ...
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in (proc / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except (OSError, IndexError, ValueError):
            continue
    return total


def say(base_url: str, sender: str, text: str, timeout: float = 10) -> list:
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook",
        method="POST",
        data=json.dumps({"sender": sender, "message": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@dataclass
class Stack:
    """An action server and one or more Rasa servers sharing one tracker store and database."""

    run_dir: Path
    model: Path
    rasa_servers: int = 1
    settings_env: Dict[str, str] = field(default_factory=dict)  # e.g. MAX_SESSION_TURNS
    action: Optional[stack.Service] = None
    rasa: List[stack.Service] = field(default_factory=list)
    urls: List[str] = field(default_factory=list)
    cold_start_s: Optional[float] = None

    def start(self, timeout_s: float = stack.STARTUP_TIMEOUT_S) -> float:
        """Start every process; return seconds from process start to the first correct reply."""
        base = load_settings(
            {
                "CLINIC_DATA_DIR": str(self.run_dir),
                "ACTION_PORT": str(free_port()),
                "RASA_AUTH_TOKEN": TOKEN,
                **ABUSE_LIMITS_OFF,  # simulated visitors all come from 127.0.0.1
                **self.settings_env,
            }
        )
        env = stack.service_environment(base)
        self.action = stack.action_service(base)
        for index in range(self.rasa_servers):
            settings = dataclasses.replace(base, rasa_port=free_port())
            service = stack.rasa_service(settings, self.model, TOKEN)
            service.log_file = self.run_dir / "logs" / f"rasa-{index + 1}.log"
            self.rasa.append(service)
            self.urls.append(f"http://127.0.0.1:{settings.rasa_port}")
        started = time.monotonic()
        for service in [self.action, *self.rasa]:
            service.start(env)
        for url, service in zip(self.urls, self.rasa):
            self._wait_for_greeting(url, service, started, timeout_s)
        stack.wait_until_healthy([self.action], timeout_s)
        self.cold_start_s = time.monotonic() - started
        return self.cold_start_s

    def _wait_for_greeting(
        self, url: str, service: stack.Service, started: float, timeout_s: float
    ) -> None:
        expected = greeting_prefix()
        attempt = 0
        while True:
            for member in (self.action, service):
                if member.exited() is not None:
                    raise RuntimeError(
                        f"The {member.name} stopped during start-up. "
                        f"Last lines of {member.log_file}:\n{member.log_tail()}"
                    )
            attempt += 1
            try:
                reply = say(url, f"cold-start-{attempt}", GREETING)
                if any(expected in (message.get("text") or "") for message in reply):
                    return
            except (urllib.error.URLError, OSError, ValueError):
                pass
            if time.monotonic() - started > timeout_s:
                raise RuntimeError(f"No correct answer from {url} within {timeout_s:.0f} s")
            time.sleep(0.2)

    def rasa_pids(self) -> List[int]:
        return [service.process.pid for service in self.rasa if service.process]

    def action_pid(self) -> Optional[int]:
        return self.action.process.pid if self.action and self.action.process else None

    def stop(self) -> None:
        for service in [*self.rasa, self.action]:
            if service is not None:
                service.stop()
