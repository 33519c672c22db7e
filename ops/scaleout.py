"""Run the assistant scaled out: PostgreSQL, Redis, several Rasa servers and action servers behind nginx.

`make scaleout` calls this. It installs the Debian packages it needs if they are
missing (postgresql, redis-server, nginx), starts a private PostgreSQL cluster and
a Redis under var/scaleout/, N Rasa servers and M action servers (the very services
of `make run`, ops/stack.py, configured through the same environment variables)
and nginx in front of them (round robin, no sticky sessions), prints where to talk
to it, and stops everything on Ctrl-C. The test in tests/scaleout/ starts it the same way.
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence

from clinic_core.settings import (
    PROJECT_ROOT,
    ClinicSettingsError,
    Settings,
    load_clinic,
    load_settings,
)
from ml import train as training
from ops import stack
from ops.supervise import StartInterrupted, Supervisor, wait_forever

NGINX_TEMPLATE = PROJECT_ROOT / "ops" / "nginx.conf.template"
DEBIAN_PACKAGES = ("postgresql", "redis-server", "nginx")
# Rasa's `redis` lock store, fixed for servers that can crash (see clinic_rasa/lock_store.py).
LOCK_STORE = "clinic_rasa.lock_store.RedisTicketLockStore"
DB_USER = "clinic"
TRACKER_DB = "conversations"
CLINIC_DB = "clinic"


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class Layout:
    """Where each part of the scaled-out set-up listens and keeps its files."""

    run_dir: Path  # logs, nginx config, Redis working dir
    postgres_dir: Path  # the cluster's data directory (owned by `postgres` when run as root)
    proxy_port: int  # nginx: what visitors and the web chat talk to
    actions_proxy_port: int  # nginx, internal: what the Rasa servers call actions through
    postgres_port: int
    redis_port: int
    rasa_ports: Sequence[int]
    action_ports: Sequence[int]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def rasa_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"


def default_layout(
    settings: Settings,
    rasa_servers: int,
    action_servers: int,
    proxy_port: int,
    postgres_port: int,
    redis_port: int,
) -> Layout:
    """Rasa and action servers on consecutive ports from RASA_PORT and ACTION_PORT."""
    run_dir = settings.run_dir / "scaleout"
    return Layout(
        run_dir=run_dir,
        postgres_dir=run_dir / "postgres",
        proxy_port=proxy_port,
        actions_proxy_port=proxy_port + 1,
        postgres_port=postgres_port,
        redis_port=redis_port,
        rasa_ports=[settings.rasa_port + i for i in range(rasa_servers)],
        action_ports=[settings.action_port + i for i in range(action_servers)],
    )


def database_url(layout: Layout, password: str, database: str) -> str:
    return f"postgresql://{DB_USER}:{password}@127.0.0.1:{layout.postgres_port}/{database}"


def deployment_environment(layout: Layout, password: str) -> Dict[str, str]:
    """The variables that turn the single-machine defaults into the scaled-out set-up."""
    return {
        "TRACKER_STORE_URL": database_url(layout, password, TRACKER_DB),
        "CLINIC_DB_URL": database_url(layout, password, CLINIC_DB),
        "LOCK_STORE_TYPE": LOCK_STORE,
        "LOCK_STORE_HOST": "127.0.0.1",
        "LOCK_STORE_PORT": str(layout.redis_port),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{layout.actions_proxy_port}/webhook",
        # Behind nginx every request comes from 127.0.0.1: nginx applies the per-IP limits
        # (limit_req, limit_conn); the Rasa servers keep the per-conversation ones.
        "RATE_LIMIT_IP_PER_MINUTE": "0",
        "NEW_CONVERSATIONS_PER_IP_PER_HOUR": "0",
    }


# --------------------------------------------------------------------------- packages


def postgres_bin_dir() -> Optional[Path]:
    """Debian's newest PostgreSQL server binaries, e.g. /usr/lib/postgresql/15/bin."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/postgres"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    return Path(found[-1]).parent if found else None


def missing_packages() -> List[str]:
    present = {
        "postgresql": postgres_bin_dir() is not None,
        "redis-server": shutil.which("redis-server") is not None,
        "nginx": shutil.which("nginx") or Path("/usr/sbin/nginx").exists(),
    }
    return [package for package in DEBIAN_PACKAGES if not present[package]]


def ensure_packages() -> None:
    """apt-get install the Debian packages that are missing (as root, or with sudo)."""
    missing = missing_packages()
    if not missing:
        return
    prefix: List[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            raise RuntimeError(f"Need root (or sudo) to apt-get install {' '.join(missing)}.")
        prefix = ["sudo"]
    print(
        f"Installing Debian packages: {' '.join(missing)} (one time, about a minute)...", flush=True
    )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = prefix + ["apt-get", "-o", "DPkg::Lock::Timeout=300"]
    subprocess.run(apt + ["update", "-qq"], check=True, env=env)
    subprocess.run(
        apt + ["install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    still_missing = missing_packages()
    if still_missing:
        raise RuntimeError(f"apt-get install did not provide: {' '.join(still_missing)}")


# --------------------------------------------------------------------------- services


@dataclass
class ProbedService(stack.Service):
    """A service whose health is checked by a function rather than an HTTP URL."""

    probe: Callable[[], bool] = field(default=lambda: False, repr=False)
    stop_signal: int = signal.SIGTERM

    def is_healthy(self) -> bool:
        try:
            return self.probe()
        except Exception:  # noqa: BLE001 - any failure just means "not up yet"
            return False

    def stop(self) -> None:
        if self.stop_signal != signal.SIGTERM and self.process and self.process.poll() is None:
            os.killpg(self.process.pid, self.stop_signal)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        super().stop()


def _as_postgres_user(command: List[str]) -> List[str]:
    """PostgreSQL refuses to run as root: as root, run it as Debian's `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def init_postgres(data_dir: Path, password: str) -> None:
    """Create the private cluster once: superuser `clinic`, password login over TCP only."""
    if (data_dir / "PG_VERSION").exists():
        return
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None, "ensure_packages() installs postgresql first"
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    password_file = data_dir.parent / "postgres-initdb.pw"
    password_file.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(data_dir, "postgres", "postgres")
        shutil.chown(password_file, "postgres", "postgres")
    try:
        subprocess.run(
            _as_postgres_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    DB_USER,
                    f"--pwfile={password_file}",
                    "--auth-host=scram-sha-256",
                    "--auth-local=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
    except subprocess.CalledProcessError as error:
        raise RuntimeError(
            f"initdb failed for {data_dir} (as root it runs as the postgres user, which must be "
            f"able to reach that directory):\n{error.stderr}"
        ) from error
    finally:
        password_file.unlink(missing_ok=True)


def _postgres_ready(layout: Layout, password: str) -> bool:
    import psycopg2

    psycopg2.connect(
        host="127.0.0.1",
        port=layout.postgres_port,
        user=DB_USER,
        password=password,
        dbname="postgres",
        connect_timeout=2,
    ).close()
    return True


def postgres_service(layout: Layout, password: str) -> ProbedService:
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None, "ensure_packages() installs postgresql first"
    return ProbedService(
        name="PostgreSQL",
        command=_as_postgres_user(
            [
                str(bin_dir / "postgres"),
                "-D",
                str(layout.postgres_dir),
                "-p",
                str(layout.postgres_port),
                "-k",
                str(layout.postgres_dir),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=100",
                # A local set-up for development and tests: no need to wait for the disk.
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        ),
        health_url="",
        log_file=layout.run_dir / "logs" / "postgres.log",
        probe=lambda: _postgres_ready(layout, password),
        # SIGTERM would wait for every client to disconnect; SIGINT rolls them back and stops.
        stop_signal=signal.SIGINT,
    )


def create_databases(layout: Layout, password: str) -> None:
    """The tracker store's and the clinic's databases, created if missing."""
    import psycopg2

    connection = psycopg2.connect(
        host="127.0.0.1",
        port=layout.postgres_port,
        user=DB_USER,
        password=password,
        dbname="postgres",
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for name in (TRACKER_DB, CLINIC_DB):
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def _redis_ready(layout: Layout) -> bool:
    import redis

    return bool(redis.Redis(host="127.0.0.1", port=layout.redis_port, socket_timeout=2).ping())


def redis_service(layout: Layout) -> ProbedService:
    """Redis only holds Rasa's conversation locks: nothing to persist."""
    return ProbedService(
        name="Redis",
        command=[
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(layout.redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(layout.run_dir),
            "--daemonize",
            "no",
        ],
        health_url="",
        log_file=layout.run_dir / "logs" / "redis.log",
        probe=lambda: _redis_ready(layout),
    )


def render_nginx_config(layout: Layout, template: str, settings: Optional[Settings] = None) -> str:
    """nginx.conf from ops/nginx.conf.template for this layout (limits from `settings`)."""
    settings = settings or load_settings()
    nginx_dir = layout.run_dir / "nginx"

    def servers(ports: Sequence[int]) -> str:
        return "\n".join(
            f"        server 127.0.0.1:{port} max_fails=3 fail_timeout=5s;" for port in ports
        )

    values = {
        "RUN_DIR": str(nginx_dir),
        "PORT": str(layout.proxy_port),
        "ACTIONS_PORT": str(layout.actions_proxy_port),
        "RASA_SERVERS": servers(layout.rasa_ports),
        "ACTION_SERVERS": servers(layout.action_ports),
        "RETRIES": str(max(len(layout.rasa_ports), len(layout.action_ports), 2)),
        # limit_req's rate cannot be 0: "off" (0) becomes a rate no visitor reaches.
        "RATE_PER_IP": f"{settings.messages_per_ip_per_minute or 100000}r/m",
        "BURST_PER_IP": str(max(5, (settings.messages_per_ip_per_minute or 100000) // 3)),
        "CONNECTIONS_PER_IP": str(max(10, settings.max_connections_per_ip)),
    }
    config = template
    for name, value in values.items():
        config = config.replace("{{" + name + "}}", value)
    if "{{" in config:
        raise ValueError(
            f"Unfilled placeholder in {NGINX_TEMPLATE}: {config[config.index('{{') :][:40]}"
        )
    return config


def nginx_service(layout: Layout, settings: Optional[Settings] = None) -> stack.Service:
    nginx_dir = layout.run_dir / "nginx"
    nginx_dir.mkdir(parents=True, exist_ok=True)
    config_file = nginx_dir / "nginx.conf"
    config_file.write_text(render_nginx_config(layout, NGINX_TEMPLATE.read_text(), settings))
    return stack.Service(
        name="nginx",
        command=[
            shutil.which("nginx") or "/usr/sbin/nginx",
            "-c",
            str(config_file),
            "-p",
            str(nginx_dir),
            "-e",
            str(nginx_dir / "error.log"),
        ],
        health_url=f"{layout.proxy_url}/nginx-health",
        log_file=layout.run_dir / "logs" / "nginx.log",
    )


# --------------------------------------------------------------------------- the set-up


@dataclass
class ScaleOut:
    """Every service of the scaled-out set-up, run by one supervisord (ops/supervise.py).

    supervisord restarts any service that dies; nginx sends visitors to the surviving Rasa
    servers meanwhile (proxy_next_upstream), so a crash costs no visitor request.
    """

    layout: Layout
    token: str
    model: Path
    base_env: Mapping[str, str]
    password: str = ""
    infrastructure: List[stack.Service] = field(default_factory=list)
    action_servers: List[stack.Service] = field(default_factory=list)
    rasa_servers: List[stack.Service] = field(default_factory=list)
    proxy: Optional[stack.Service] = None
    console: Optional[stack.Service] = None  # the staff console, publishing to every Rasa server
    environment: Dict[str, str] = field(default_factory=dict)
    supervisor: Optional[Supervisor] = None

    def settings_for(self, rasa_port: int, action_port: int) -> Settings:
        return load_settings(
            {
                **self.base_env,
                **self.environment,
                "RASA_PORT": str(rasa_port),
                "ACTION_PORT": str(action_port),
            }
        )

    @property
    def services(self) -> List[stack.Service]:
        """In start order; stopped in reverse."""
        proxy = [self.proxy] if self.proxy else []
        console = [self.console] if self.console else []
        return [*self.infrastructure, *self.action_servers, *self.rasa_servers, *proxy, *console]

    def start(self, stopping: Callable[[], bool] = lambda: False) -> None:
        layout = self.layout
        (layout.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        ensure_packages()
        self.password = stack.read_or_create_secret(layout.run_dir / "postgres_password", nbytes=18)
        init_postgres(layout.postgres_dir, self.password)
        self.environment = deployment_environment(layout, self.password)
        self.infrastructure = [postgres_service(layout, self.password), redis_service(layout)]
        settings = self.settings_for(layout.rasa_ports[0], layout.action_ports[0])
        for index, port in enumerate(layout.action_ports):
            self.action_servers.append(
                dataclasses.replace(
                    stack.action_service(self.settings_for(layout.rasa_ports[0], port)),
                    name=f"action server {index + 1}",
                    log_file=layout.run_dir / "logs" / f"actions-{index + 1}.log",
                    autostart=False,
                )
            )
        for index, port in enumerate(layout.rasa_ports):
            service = stack.rasa_service(
                self.settings_for(port, layout.action_ports[0]), self.model, self.token
            )
            self.rasa_servers.append(
                dataclasses.replace(
                    service,
                    name=f"Rasa server {index + 1}",
                    log_file=layout.run_dir / "logs" / f"rasa-{index + 1}.log",
                    autostart=False,
                )
            )
        self.proxy = dataclasses.replace(
            nginx_service(layout, load_settings({**self.base_env})), autostart=False
        )
        self.console = dataclasses.replace(
            stack.console_service(settings, self.token), autostart=False
        )
        env = {**stack.service_environment(settings), **self.environment}
        # supervisord's own files in a private directory; var/scaleout itself stays
        # traversable for the postgres user that runs PostgreSQL when started as root.
        self.supervisor = Supervisor(layout.run_dir / "supervisor", self.services, env)
        self.supervisor.start(stopping=stopping)  # PostgreSQL and Redis
        create_databases(layout, self.password)
        # The console publishes to every recorded Rasa server: record them before it starts.
        stack.record_rasa_servers(
            settings, [layout.rasa_url(i) for i in range(len(layout.rasa_ports))]
        )
        self.supervisor.start_programs(
            [s.program for s in self.services if not s.autostart], stopping=stopping
        )

    def pid(self, service: stack.Service) -> int:
        """The process id supervisord runs `service` as now (0 while it is down)."""
        return self.supervisor.pid(service.program) if self.supervisor else 0

    def stop(self) -> None:
        if self.supervisor:
            self.supervisor.stop()


def resident_memory_mb(pid: int) -> Optional[float]:
    """Resident memory of a process, from /proc (Linux)."""
    if not pid:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def print_ready(deployment: ScaleOut, started_s: float) -> None:
    layout = deployment.layout
    memory = ", ".join(
        f"{s.name} {resident_memory_mb(deployment.pid(s)) or 0:.0f} MB"
        for s in deployment.rasa_servers
    )
    direct = ", ".join(deployment.layout.rasa_url(i) for i in range(len(layout.rasa_ports)))
    print(
        f"""
The scaled-out assistant is running (started in {started_s:.0f} s).
  Through nginx: curl -s -XPOST {layout.proxy_url}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                   -d '{{"sender": "visitor-1", "message": "how quickly does ketamine work?"}}'
  Rasa servers : {direct}   (memory: {memory})
  Action server: {", ".join(f"http://127.0.0.1:{p}" for p in layout.action_ports)} (via nginx on {layout.actions_proxy_port})
  PostgreSQL   : {database_url(layout, "<password in " + str(layout.run_dir / "postgres_password") + ">", CLINIC_DB)}
  Redis        : 127.0.0.1:{layout.redis_port} (conversation locks)
  HTTP API     : {layout.proxy_url}/status?token=<token in {layout.run_dir.parent / "auth_token"} or RASA_AUTH_TOKEN>
  Logs         : {layout.run_dir / "logs"}
  Services     : {stack.supervisor_ctl_hint(deployment.supervisor) if deployment.supervisor else ""}
Press Ctrl-C to stop.""",
        flush=True,
    )


def run(
    rasa_servers: int, action_servers: int, proxy_port: int, postgres_port: int, redis_port: int
) -> int:
    settings = load_settings()
    try:
        load_clinic(settings)
    except ClinicSettingsError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    token = stack.auth_token(settings)
    model = training.train()
    layout = default_layout(
        settings, rasa_servers, action_servers, proxy_port, postgres_port, redis_port
    )
    deployment = ScaleOut(layout=layout, token=token, model=model, base_env=dict(os.environ))
    stop = stack.StopRequest()
    print(
        f"Starting PostgreSQL, Redis, {action_servers} action server(s), {rasa_servers} Rasa "
        f"servers and nginx under supervisord (about 1-2 minutes)...",
        flush=True,
    )
    started = time.monotonic()
    try:
        deployment.start(stopping=lambda: stop.requested)
        print_ready(deployment, time.monotonic() - started)
        assert deployment.supervisor is not None
        return wait_forever(deployment.supervisor, lambda: stop.requested)
    except StartInterrupted:
        return 130
    except (RuntimeError, subprocess.CalledProcessError) as error:
        print(f"\n{error}", file=sys.stderr)
        return 1
    finally:
        print("\nStopping...", flush=True)
        deployment.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rasa-servers",
        type=int,
        default=2,
        help="Rasa servers, on consecutive ports from RASA_PORT (default 2)",
    )
    parser.add_argument(
        "--action-servers",
        type=int,
        default=1,
        help="action servers, on consecutive ports from ACTION_PORT (default 1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8000,
        help="nginx port for visitors (default 8000; the next one is internal)",
    )
    parser.add_argument("--postgres-port", type=int, default=5433)
    parser.add_argument("--redis-port", type=int, default=6380)
    parser.add_argument(
        "--install-only",
        action="store_true",
        help="only apt-get install the missing Debian packages (CI), then exit",
    )
    args = parser.parse_args(argv)
    if args.install_only:
        ensure_packages()
        return 0
    if args.rasa_servers < 1 or args.action_servers < 1:
        parser.error("need at least one Rasa server and one action server")
    return run(
        args.rasa_servers, args.action_servers, args.port, args.postgres_port, args.redis_port
    )


if __name__ == "__main__":
    sys.exit(main())
