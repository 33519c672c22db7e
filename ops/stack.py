"""Run the whole assistant: action server, Rasa server and the web chat.

`make run` calls this after set-up. It trains a model if the training inputs
changed, starts each process with its log in var/logs/, waits until every one
answers, prints how to talk to the bot, and stops them all on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

from clinic_core.settings import (
    PROJECT_ROOT,
    ClinicSettingsError,
    Settings,
    load_clinic,
    load_settings,
)
from ml import train as training
from ops.preflight import PreflightError, check_databases
from ops.supervise import StartInterrupted, Supervisor, make_private_dir, wait_forever

# Seconds to wait for every service to answer; a loaded 2-core machine needs minutes for
# two Rasa servers.
STARTUP_TIMEOUT_S = float(os.environ.get("STARTUP_TIMEOUT_S", "420"))


def bin_path(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def rasa_servers_file(settings: Settings) -> Path:
    """Where the running launcher lists the Rasa servers it started, one URL a line: what
    `./staff deploy` publishes a model to."""
    return settings.run_dir / "rasa_servers"


def record_rasa_servers(settings: Settings, urls: List[str]) -> None:
    path = rasa_servers_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{url}\n" for url in urls), encoding="utf-8")


def running_rasa_servers(settings: Settings) -> List[str]:
    """Every Rasa server of the running deployment (the single one by default)."""
    try:
        urls = rasa_servers_file(settings).read_text(encoding="utf-8").split()
    except OSError:
        urls = []
    return urls or [f"http://127.0.0.1:{settings.rasa_port}"]


def auth_token(settings: Settings) -> str:
    """The HTTP API token: from RASA_AUTH_TOKEN, or (development only) a generated one kept in var/."""
    if settings.auth_token:
        return settings.auth_token
    if settings.is_production:
        raise SystemExit(
            "RASA_AUTH_TOKEN is not set. In production (CLINIC_ENV=production) the Rasa HTTP API "
            "needs a token: export RASA_AUTH_TOKEN=<a long random string> and start again."
        )
    return read_or_create_secret(settings.run_dir / "auth_token", nbytes=24)


def read_or_create_secret(path: Path, nbytes: int) -> str:
    """A random secret kept in `path` (readable by its owner only), made on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    # Created 0600 from the start: never readable by others, not even for a moment.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value + "\n")
    return value


def action_token(settings: Settings) -> str:
    """The secret Rasa sends to the action server: ACTION_SERVER_TOKEN, or (development only)
    a generated one kept in var/."""
    if settings.action_server_token:
        return settings.action_server_token
    if settings.is_production:
        raise SystemExit(
            "ACTION_SERVER_TOKEN is not set. In production (CLINIC_ENV=production) the action "
            "server needs a shared secret: export ACTION_SERVER_TOKEN=<a long random string>."
        )
    return read_or_create_secret(settings.run_dir / "action_token", nbytes=24)


def service_environment(settings: Settings) -> Dict[str, str]:
    """Environment for the child processes: endpoints.yml reads these variables."""
    env = dict(os.environ)
    env.update(
        ACTION_ENDPOINT_URL=settings.action_endpoint_url,
        ACTION_SERVER_TOKEN=action_token(settings),
        BIND_HOST=settings.bind_host,
        CLINIC_DATA_DIR=str(settings.run_dir),
        TRACKER_STORE_URL=settings.tracker_store_url,
        LOCK_STORE_TYPE=settings.lock_store_type,
        LOCK_STORE_HOST=settings.lock_store_host,
        LOCK_STORE_PORT=str(settings.lock_store_port),
        TICKET_LOCK_LIFETIME=str(settings.lock_lifetime_s),
        CLINIC_ENV=settings.environment,
        CLINIC_SETTINGS_FILE=str(settings.clinic_file),
        CLINIC_DB_URL=settings.database_url,
        CORS_ORIGINS=settings.cors_origins,
        MAX_MESSAGE_CHARS=str(settings.max_message_chars),
        MAX_SENDER_ID_CHARS=str(settings.max_sender_id_chars),
        RATE_LIMIT_IP_PER_MINUTE=str(settings.messages_per_ip_per_minute),
        RATE_LIMIT_CONVERSATION_PER_MINUTE=str(settings.messages_per_conversation_per_minute),
        NEW_CONVERSATIONS_PER_IP_PER_HOUR=str(settings.new_conversations_per_ip_per_hour),
        MAX_QUEUED_PER_CONVERSATION=str(settings.max_queued_per_conversation),
        MAX_SESSION_TURNS=str(settings.max_session_turns),
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        PYTHONPATH=str(PROJECT_ROOT),
    )
    return env


@dataclass
class Service:
    """One service of the deployment: how to start it and how to tell it is ready to answer.

    `make run` and `make scaleout` hand the list of services to supervisord
    (ops/supervise.py); the tests of tests/servers.py start the same entries directly.
    """

    name: str
    command: List[str]
    health_url: str
    log_file: Path
    extra_env: Dict[str, str] = field(default_factory=dict, repr=False)  # this service only
    process: Optional[subprocess.Popen] = field(default=None, repr=False)
    # A JSON key of the health answer that must be set, e.g. Rasa's /status "model_id":
    # the server is up *and* has a model loaded.
    ready_key: Optional[str] = None
    autostart: bool = True
    stop_signal: int = signal.SIGTERM

    @property
    def program(self) -> str:
        """The service's supervisord program name, e.g. `rasa-server-1`."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def start(self, env: Dict[str, str]) -> None:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env={**env, **self.extra_env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def is_healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                if response.status != 200:
                    return False
                if self.ready_key is None:
                    return True
                return bool(json.loads(response.read() or b"{}").get(self.ready_key))
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def exited(self) -> Optional[int]:
        return None if self.process is None else self.process.poll()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, self.stop_signal)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def action_service(settings: Settings) -> Service:
    return Service(
        name="action server",
        command=[
            bin_path("rasa"),
            "run",
            "actions",
            "--actions",
            "actions",
            "--port",
            str(settings.action_port),
        ],
        health_url=f"http://127.0.0.1:{settings.action_port}/health",
        log_file=settings.run_dir / "logs" / "actions.log",
        # rasa-sdk reads its interface from SANIC_HOST (default 0.0.0.0).
        extra_env={"SANIC_HOST": settings.bind_host},
    )


def rasa_service(settings: Settings, model: Path, token: str) -> Service:
    """The Rasa server. Its API token reaches it in its environment, never on its command
    line (clinic_rasa/serve.py adds it), so `ps` does not show it."""
    return Service(
        name="Rasa server",
        command=[
            sys.executable,
            "-m",
            "clinic_rasa.serve",
            "run",
            "--model",
            str(model),
            "--enable-api",
            "--cors",
            *settings.cors_origin_list,
            "--interface",
            settings.bind_host,
            "--port",
            str(settings.rasa_port),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
        ],
        # Ready means "answers with a model loaded", not just "the port is open".
        health_url=f"http://127.0.0.1:{settings.rasa_port}/status?token={token}",
        ready_key="model_id",
        log_file=settings.run_dir / "logs" / "rasa.log",
        extra_env={"RASA_AUTH_TOKEN": token},
    )


def web_service(settings: Settings, token: str) -> Service:
    """The demo page, the widget's files and its history endpoint (webchat/server.py).

    The Rasa token reaches it in its environment only: the browser never gets it.
    """
    return Service(
        name="web chat",
        command=[
            sys.executable,
            "-m",
            "webchat.server",
            "--host",
            settings.bind_host,
            "--port",
            str(settings.web_port),
            "--rasa-url",
            f"http://127.0.0.1:{settings.rasa_port}",
            "--cors-origins",
            settings.cors_origins,
        ],
        health_url=f"http://127.0.0.1:{settings.web_port}/healthz",
        log_file=settings.run_dir / "logs" / "web.log",
        extra_env={"RASA_AUTH_TOKEN": token},
    )


def console_service(settings: Settings, token: str) -> Service:
    """The staff console (clinic_staff/console) on BIND_HOST:CONSOLE_PORT; it publishes models to
    the Rasa servers with the API token, which reaches it in its environment only."""
    return Service(
        name="staff console",
        command=[
            sys.executable,
            "-m",
            "clinic_staff.console",
            "--port",
            str(settings.console_port),
        ],
        health_url=f"http://127.0.0.1:{settings.console_port}/healthz",
        log_file=settings.run_dir / "logs" / "console.log",
        extra_env={
            "RASA_AUTH_TOKEN": token,
            "CLINIC_DATA_DIR": str(settings.run_dir),
            "MODEL_DIR": str(settings.model_dir),
            "CLINIC_PROJECT_DIR": str(settings.project_dir),
            "CONSOLE_PORT": str(settings.console_port),
            "BIND_HOST": settings.bind_host,
            "PUBLISH_NOISE_MARGIN": str(settings.publish_noise_margin),
            "CONSOLE_SECURE_COOKIE": "1" if settings.console_secure_cookie else "",
        },
    )


def build_services(settings: Settings, model: Path, token: str) -> List[Service]:
    """Every service of `make run`, in start order. Adding one is one more entry here."""
    return [
        action_service(settings),
        rasa_service(settings, model, token),
        web_service(settings, token),
        console_service(settings, token),
    ]


def wait_until_healthy(
    services: List[Service],
    timeout_s: float = STARTUP_TIMEOUT_S,
    stopping: Callable[[], bool] = lambda: False,
    supervisor: Optional["Supervisor"] = None,
) -> None:
    """Wait until each service answers its health check; stop at once on Ctrl-C."""
    started = time.monotonic()
    pending = list(services)
    while pending:
        if stopping():
            raise StartInterrupted("Stopped during start-up.")
        states = supervisor.states() if supervisor else {}
        if supervisor and supervisor.exited() is not None:
            raise RuntimeError(
                f"supervisord stopped during start-up (exit {supervisor.exited()}); see "
                f"{supervisor.run_dir / 'logs'}"
            )
        for service in list(pending):
            code = service.exited()
            if code is not None or states.get(service.program) == "FATAL":
                raise RuntimeError(
                    f"The {service.name} stopped during start-up (exit {code}). "
                    f"Last lines of {service.log_file}:\n{service.log_tail()}"
                )
            if service.is_healthy():
                pending.remove(service)
                print(
                    f"\r  {service.name} is up ({time.monotonic() - started:.0f} s)".ljust(60),
                    flush=True,
                )
        elapsed = time.monotonic() - started
        if elapsed > timeout_s:
            names = ", ".join(s.name for s in pending)
            raise RuntimeError(f"Timed out after {timeout_s:.0f} s waiting for: {names}")
        if pending:
            print(
                f"\r  waiting for {', '.join(s.name for s in pending)} ... {elapsed:.0f} s",
                end="",
                flush=True,
            )
            time.sleep(1)


def protect_data_dir(settings: Settings) -> None:
    """var/ readable by its owner only (0700), and its existing files 0600."""
    make_private_dir(settings.run_dir)
    for path in settings.run_dir.iterdir():
        if path.is_file() and not path.is_symlink():
            path.chmod(0o600)


def print_ready(settings: Settings, supervisor: Supervisor) -> None:
    rasa = f"http://localhost:{settings.rasa_port}"
    print(
        f"""
The assistant is running.
  Web chat     : http://localhost:{settings.web_port}/   (demo clinic page with the chat widget)
  Staff console: http://localhost:{settings.console_port}/   (first account: ./staff user add)
  REST webhook : curl -s -XPOST {rasa}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                   -d '{{"sender": "visitor-1", "message": "how quickly does ketamine work?"}}'
  HTTP API     : {rasa}/status?token=<token in {settings.run_dir / "auth_token"} or RASA_AUTH_TOKEN>
  Terminal chat: make shell   (in another terminal)
  Logs         : {settings.run_dir / "run" / "logs"}
  Services     : {supervisor_ctl_hint(supervisor)}
Press Ctrl-C to stop.""",
        flush=True,
    )


def supervisor_ctl_hint(supervisor: Supervisor) -> str:
    return f".venv/bin/supervisorctl -c {supervisor.config_file} status   (restarted when they die)"


class StopRequest:
    """Set by Ctrl-C or SIGTERM, so a launcher stops its services cleanly instead of dying."""

    def __init__(self) -> None:
        self.requested = False
        signal.signal(signal.SIGINT, self._request)
        signal.signal(signal.SIGTERM, self._request)

    def _request(self, signum, frame) -> None:  # noqa: ARG002 - signal handler signature
        self.requested = True


def run() -> int:
    os.umask(0o077)  # databases, logs and secrets the services create: owner only
    settings = load_settings()
    stop = StopRequest()
    try:
        load_clinic(settings)
        check_databases(settings)
    except (ClinicSettingsError, PreflightError) as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    protect_data_dir(settings)
    token = auth_token(settings)
    model = training.train()
    services = build_services(settings, model, token)
    supervisor = Supervisor(settings.run_dir / "run", services, service_environment(settings))
    print(
        "Starting the action server, the Rasa server and the web chat under supervisord "
        "(about 30-60 s)...",
        flush=True,
    )
    try:
        supervisor.start(stopping=lambda: stop.requested)
        record_rasa_servers(settings, [f"http://127.0.0.1:{settings.rasa_port}"])
        print_ready(settings, supervisor)
        return wait_forever(supervisor, lambda: stop.requested)
    except StartInterrupted:
        return 130
    except RuntimeError as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    finally:
        print("\nStopping...", flush=True)
        supervisor.stop()


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    return run()


if __name__ == "__main__":
    sys.exit(main())
