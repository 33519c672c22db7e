"""Users (admins only): add one account per person, change a role, disable, unlock; and every
user's own password change."""

from __future__ import annotations

from aiohttp import web

from clinic_staff import accounts
from clinic_staff.console.app import flash, render
from clinic_staff.console.security import require

routes = web.RouteTableDef()


@routes.get("/users")
async def users_page(request: web.Request) -> web.Response:
    require(request, "manage")
    return await render(
        request,
        "users.html",
        users=accounts.list_users(request.app["settings"]),
        roles=accounts.ROLE_NAMES,
        error="",
        form={},
    )


@routes.post("/users")
async def add(request: web.Request) -> web.Response:
    user = require(request, "manage")
    settings = request.app["settings"]
    form = await request.post()
    try:
        accounts.create_user(
            settings, str(form.get("username", "")), str(form.get("full_name", "")),
            str(form.get("role", "")), str(form.get("password", "")), user.username,
        )  # fmt: skip
    except accounts.AccountError as error:
        return await render(
            request, "users.html", status=422, users=accounts.list_users(settings),
            roles=accounts.ROLE_NAMES, error=str(error), form=dict(form),
        )  # fmt: skip
    await flash(request, f"Added {str(form.get('username'))}. Give them the password in person.")
    raise web.HTTPSeeOther("/users")


@routes.post("/users/{username}")
async def change(request: web.Request) -> web.Response:
    user = require(request, "manage")
    settings = request.app["settings"]
    username = request.match_info["username"]
    form = await request.post()
    action = form.get("action")
    if username == user.username and action in ("disable", "role"):
        await flash(request, "You cannot change your own role or disable yourself.", "error")
        raise web.HTTPSeeOther("/users")
    if action == "role":
        accounts.update_user(settings, username, user.username, role=str(form.get("role")))
    elif action in ("disable", "enable"):
        accounts.update_user(settings, username, user.username, active=action == "enable")
    await flash(request, f"Changed {username}.")
    raise web.HTTPSeeOther("/users")


@routes.get("/account")
async def account(request: web.Request) -> web.Response:
    return await render(request, "account.html", error="")


@routes.post("/account")
async def change_password(request: web.Request) -> web.Response:
    user = request["user"]
    settings = request.app["settings"]
    form = await request.post()
    try:
        accounts.authenticate(settings, user.username, str(form.get("current", "")))
        if form.get("new") != form.get("repeat"):
            raise accounts.AccountError("The two new passwords are not the same.")
        accounts.set_password(settings, user.username, str(form.get("new", "")), user.username)
    except (accounts.LoginRefused, accounts.AccountError) as error:
        return await render(request, "account.html", status=422, error=str(error))
    await flash(request, "Your password is changed.")
    raise web.HTTPSeeOther("/account")
