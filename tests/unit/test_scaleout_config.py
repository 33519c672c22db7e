"""The nginx configuration that ops/scaleout.py writes for the scaled-out set-up."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ops import scaleout


def layout(tmp_path: Path) -> scaleout.Layout:
    return scaleout.Layout(
        run_dir=tmp_path,
        postgres_dir=tmp_path / "pg",
        proxy_port=8000,
        actions_proxy_port=8001,
        postgres_port=5433,
        redis_port=6380,
        rasa_ports=[5005, 5006, 5007],
        action_ports=[5055, 5056],
    )


def render(tmp_path: Path) -> str:
    return scaleout.render_nginx_config(layout(tmp_path), scaleout.NGINX_TEMPLATE.read_text())


def upstream_servers(config: str, name: str) -> list:
    block = re.search(r"upstream %s \{(.*?)\}" % name, config, re.S).group(1)
    return re.findall(r"server (127\.0\.0\.1:\d+)", block)


def test_every_rasa_server_is_in_a_plain_round_robin(tmp_path):
    config = render(tmp_path)
    assert upstream_servers(config, "rasa_servers") == [
        "127.0.0.1:5005",
        "127.0.0.1:5006",
        "127.0.0.1:5007",
    ]
    assert upstream_servers(config, "action_servers") == ["127.0.0.1:5055", "127.0.0.1:5056"]
    directives = re.sub(r"#.*", "", config)
    for sticky in ("ip_hash", "hash ", "sticky", "least_conn"):
        assert sticky not in directives
    assert "{{" not in config


def test_only_rasa_requests_are_resent_after_they_reached_a_server(tmp_path):
    config = render(tmp_path)
    rasa, actions = config.split("listen 127.0.0.1:8001;")
    assert "non_idempotent" in rasa.split("listen 127.0.0.1:8000;")[1]
    assert "non_idempotent" not in actions  # an action (saving a booking) must not run twice
    # a resent message keeps its id, so a server can tell it was already handled
    assert "proxy_set_header X-Request-ID $request_id;" in rasa.split("listen 127.0.0.1:8000;")[1]
    assert "client_max_body_size 64k;" in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config


def test_nginx_accepts_the_generated_configuration(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (ops/scaleout.py installs it)")
    (tmp_path / "nginx").mkdir()
    config_file = tmp_path / "nginx" / "nginx.conf"
    config_file.write_text(render(tmp_path))
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-c",
            str(config_file),
            "-p",
            str(tmp_path / "nginx"),
            "-e",
            str(tmp_path / "nginx" / "error.log"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_lock_lifetime_reaches_rasa_through_the_environment():
    from clinic_core.settings import load_settings
    from ops.stack import service_environment

    assert service_environment(load_settings({}))["TICKET_LOCK_LIFETIME"] == "20"
    assert (
        service_environment(load_settings({"TICKET_LOCK_LIFETIME": "45"}))["TICKET_LOCK_LIFETIME"]
        == "45"
    )


def test_scaled_out_servers_share_postgresql_and_the_fixed_redis_lock_store(tmp_path):
    environment = scaleout.deployment_environment(layout(tmp_path), "secret")
    assert environment["TRACKER_STORE_URL"] == (
        "postgresql://clinic:secret@127.0.0.1:5433/conversations"
    )
    assert environment["CLINIC_DB_URL"] == "postgresql://clinic:secret@127.0.0.1:5433/clinic"
    assert environment["LOCK_STORE_TYPE"] == "clinic_rasa.lock_store.RedisTicketLockStore"
    assert environment["ACTION_ENDPOINT_URL"] == "http://127.0.0.1:8001/webhook"
