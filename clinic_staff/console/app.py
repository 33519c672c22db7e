"""The staff console's web application (aiohttp + Jinja2, server-rendered, no JavaScript).

    python -m clinic_staff.console          listens on BIND_HOST:CONSOLE_PORT (127.0.0.1:8081)

`make run` starts it with the other services (ops/stack.py). Pages live in pages/, one module
per page; each calls the same functions as `./staff`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

import jinja2
from aiohttp import web
from aiohttp_session import get_session
from aiohttp_session import setup as setup_sessions

from clinic_core.settings import Settings, load_settings
from clinic_staff.console import security
from clinic_staff.faq.deploy import RasaFleet
from clinic_staff.faq.publish import Gate

HERE = Path(__file__).parent
APP_KEY_SETTINGS = "settings"

NAV = (
    ("/", "Dashboard", "edit"),
    ("/faqs", "FAQs", "edit"),
    ("/inbox", "Inbox", "edit"),
    ("/publish", "Publish", "edit"),
    ("/history", "History", "edit"),
    ("/callbacks", "Call-backs", "edit"),
    ("/flags", "Crisis flags", "edit"),
    ("/settings", "Clinic settings", "edit"),
    ("/users", "Users", "manage"),
)


def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""
    return env


async def render(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    session = await get_session(request)
    user = request.get("user")
    context.update(
        user=user,
        csrf=await security.csrf_token(request),
        nav=[(url, label) for url, label, perm in NAV if user and user.can(perm)],
        path=request.path,
        flash=session.pop("flash", []),
    )
    html = request.app["templates"].get_template(template).render(**context)
    return web.Response(text=html, content_type="text/html", status=status)


async def flash(request: web.Request, message: str, kind: str = "ok") -> None:
    session = await get_session(request)
    session["flash"] = [*session.get("flash", []), {"kind": kind, "text": message}]


@web.middleware
async def error_pages(request: web.Request, handler) -> web.StreamResponse:
    """403 and 404 as readable pages (with the navigation) instead of bare text."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status in (403, 404):
            text = error.text if error.status == 403 else "There is no such page."
            return await render(
                request, "error.html", status=error.status, message=text, code=error.status
            )
        raise


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def make_app(
    settings: Optional[Settings] = None,
    gate: Optional[Gate] = None,
    fleet: Optional[RasaFleet] = None,
) -> web.Application:
    from clinic_staff.console.pages import (
        auth,
        care,
        dashboard,
        faqs,
        history,
        inbox,
        publishing,
        settings_page,
        users,
    )

    settings = settings or load_settings()
    app = web.Application(client_max_size=256 * 1024)
    app[APP_KEY_SETTINGS] = settings
    app["templates"] = templates()
    app["gate"] = gate  # None: the real gate; tests pass a quicker one
    app["fleet"] = fleet  # None: the servers the running launcher recorded
    setup_sessions(app, security.DatabaseStorage(settings))
    app.middlewares.extend([security.headers, error_pages, security.guard])
    app.router.add_get("/healthz", healthz)
    app.router.add_static("/static/", HERE / "static")
    for module in (
        auth, dashboard, faqs, inbox, publishing, history, care, settings_page, users
    ):  # fmt: skip
        app.add_routes(module.routes)
    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    settings = load_settings()
    parser.add_argument("--port", type=int, default=settings.console_port)
    parser.add_argument("--host", default=settings.bind_host)
    args = parser.parse_args(argv)
    print(f"Staff console on http://{args.host}:{args.port}/", flush=True)
    web.run_app(make_app(settings), host=args.host, port=args.port, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
