"""The action server's start-up hook: rasa-sdk imports this package by name and calls
`init_hooks()` before it serves (rasa_sdk/plugin.py), so work that must happen once per
action server process is done here instead of as a side effect of importing `actions`.

- Log masking (clinic_core.masking).
- The shared secret: every request except `/health` must carry ACTION_SERVER_TOKEN in the
  `X-Clinic-Action-Token` header, which Rasa sends (endpoints.yml). A direct call to
  `/webhook` from anyone else (e.g. `next_action: action_submit_callback` with made-up slots)
  gets 401 and runs nothing.
- `/metrics` for Prometheus (same secret, as a bearer token or the header).
"""

from __future__ import annotations

import hmac
import logging
import os
import time

import pluggy
from sanic import Sanic, response
from sanic.request import Request

hookimpl = pluggy.HookimplMarker("rasa_sdk")
logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})


def token_matches(request: Request, expected: str) -> bool:
    from clinic_core.settings import ACTION_TOKEN_HEADER

    given = request.headers.get(ACTION_TOKEN_HEADER, "")
    authorization = request.headers.get("Authorization", "")
    if not given and authorization.startswith("Bearer "):
        given = authorization[len("Bearer ") :]
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


class ClinicActionServer:
    """Extensions of the action server's Sanic app."""

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        from clinic_core import masking, metrics
        from clinic_core.settings import load_settings

        masking.install()
        settings = load_settings()
        secret = settings.action_server_token
        if not secret:
            # Never serve unauthenticated: without a secret, refuse to start.
            raise SystemExit(
                "ACTION_SERVER_TOKEN is not set: the action server refuses to run without its "
                "shared secret (make run sets it; see docs/guides/hardening.md)."
            )

        @app.middleware("request")
        async def require_secret(request: Request):
            request.ctx.started = time.perf_counter()
            if request.path in OPEN_PATHS:
                return None
            if not token_matches(request, secret):
                metrics.ACTION_REQUESTS.labels(action="-", outcome="refused").inc()
                logger.warning("Refused an action server request without the shared secret.")
                return response.json({"error": "unauthorized"}, status=401)
            return None

        @app.middleware("response")
        async def count(request: Request, resp):
            if request.path == "/webhook" and resp.status != 401:
                action = "-"
                try:
                    action = str((request.json or {}).get("next_action") or "-")[:64]
                except Exception:  # noqa: BLE001 - a body that is not JSON
                    pass
                outcome = "ok" if resp.status < 400 else "error"
                metrics.ACTION_REQUESTS.labels(action=action, outcome=outcome).inc()
                metrics.ACTION_LATENCY.labels(action=action).observe(
                    time.perf_counter() - getattr(request.ctx, "started", time.perf_counter())
                )

        @app.get("/metrics")
        async def scrape(_: Request):
            body, content_type = metrics.exposition()
            return response.raw(body, content_type=content_type)

        logger.info("Action server: shared secret required (pid %s).", os.getpid())


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ClinicActionServer())
