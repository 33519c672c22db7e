"""Clinic settings (clinic.yml): name, phone, hours, address, booking page; validated, kept as a
draft until the next publish."""

from __future__ import annotations

from aiohttp import web

from clinic_staff.console.app import flash, render
from clinic_staff.console.security import require
from clinic_staff.faq import drafts

routes = web.RouteTableDef()


@routes.get("/settings")
async def settings_form(request: web.Request) -> web.Response:
    settings = request.app["settings"]
    return await render(
        request,
        "settings.html",
        fields=drafts.CLINIC_FIELDS,
        values=drafts.clinic_values(settings),
        errors={},
        draft=drafts.CLINIC_PATH in drafts.drafts(settings),
    )


@routes.post("/settings")
async def save(request: web.Request) -> web.Response:
    user = require(request, "manage")
    settings = request.app["settings"]
    form = await request.post()
    values = {name: str(form.get(name, "")) for name in drafts.CLINIC_FIELDS}
    errors = drafts.save_clinic(settings, user.username, values)
    if errors:
        return await render(
            request, "settings.html", status=422, fields=drafts.CLINIC_FIELDS, values=values,
            errors=errors, draft=drafts.CLINIC_PATH in drafts.drafts(settings),
        )  # fmt: skip
    await flash(request, "Saved as a draft: publish to put the new details live.")
    raise web.HTTPSeeOther("/settings")
