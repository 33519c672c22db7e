"""History: every published version (who, what, when) with one-click rollback, and the log of
who changed what."""

from __future__ import annotations

from aiohttp import web

from clinic_staff import accounts
from clinic_staff.console.app import flash, render
from clinic_staff.console.security import require
from clinic_staff.faq import publish

routes = web.RouteTableDef()


@routes.get("/history")
async def history(request: web.Request) -> web.Response:
    settings = request.app["settings"]
    return await render(
        request,
        "history.html",
        versions=publish.list_versions(settings),
        audit=accounts.recent_audit(settings, 100),
    )


@routes.post("/history/{version_id:\\d+}/rollback")
async def rollback(request: web.Request) -> web.Response:
    user = require(request, "publish")
    app = request.app
    settings = app["settings"]
    version_id = int(request.match_info["version_id"])

    def work(progress):
        return publish.rollback(settings, user.username, version_id, app["fleet"], progress)

    try:
        job_id, _ = publish.run_job(settings, "rollback", user.username, work)
    except publish.PublishError as error:
        await flash(request, str(error), "error")
        raise web.HTTPSeeOther("/history") from None
    raise web.HTTPSeeOther(f"/publish/jobs/{job_id}")
