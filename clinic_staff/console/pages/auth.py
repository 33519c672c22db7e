"""Log in and log out."""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp_session import get_session, new_session

from clinic_staff import accounts
from clinic_staff.console.app import render

routes = web.RouteTableDef()


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else "/"


@routes.get("/login")
async def login_form(request: web.Request) -> web.Response:
    if request["user"]:
        raise web.HTTPSeeOther("/")
    return await render(request, "login.html", next=_safe_next(request.query.get("next", "/")))


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    settings = request.app["settings"]
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    try:
        # argon2 takes ~50 ms of CPU: off the event loop
        user = await asyncio.get_running_loop().run_in_executor(
            None, accounts.authenticate, settings, username, password
        )
    except accounts.LoginRefused as refused:
        return await render(
            request, "login.html", status=401, error=str(refused), username=username,
            next=_safe_next(str(form.get("next", "/"))),
        )  # fmt: skip
    session = await new_session(request)  # a fresh key at log-in: no session fixation
    session["user_id"] = user.id
    raise web.HTTPSeeOther(_safe_next(str(form.get("next", "/"))))


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    session.invalidate()
    raise web.HTTPSeeOther("/login")
