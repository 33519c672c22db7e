"""Publish: the pending changes as a readable diff, clinician approval, and the gate running in
the background with visible progress."""

from __future__ import annotations

from aiohttp import web

from clinic_staff.console.app import flash, render
from clinic_staff.console.security import require
from clinic_staff.faq import drafts, publish

routes = web.RouteTableDef()


@routes.get("/publish")
async def overview(request: web.Request) -> web.Response:
    settings = request.app["settings"]
    changes = drafts.pending_changes(settings)
    return await render(
        request,
        "publish.html",
        changes=changes,
        waiting=drafts.blocking_approvals(changes),
        job=publish.latest_job(settings),
    )


@routes.post("/publish/approve")
async def approve(request: web.Request) -> web.Response:
    user = require(request, "approve")
    form = await request.post()
    try:
        drafts.approve(request.app["settings"], user.username, user.full_name, str(form["path"]))
    except drafts.ApprovalError as error:
        await flash(request, str(error), "error")
    else:
        await flash(request, "Approved. An admin can now publish it.")
    raise web.HTTPSeeOther("/publish")


@routes.post("/publish/start")
async def start(request: web.Request) -> web.Response:
    user = require(request, "publish")
    app = request.app
    settings = app["settings"]

    def work(progress):
        return publish.publish(settings, user.username, app["gate"], app["fleet"], progress)

    try:
        publish.ready_to_publish(settings)
        job_id, _ = publish.run_job(settings, "publish", user.username, work)
    except publish.PublishError as error:
        await flash(request, str(error), "error")
        raise web.HTTPSeeOther("/publish") from None
    raise web.HTTPSeeOther(f"/publish/jobs/{job_id}")


@routes.get("/publish/jobs/{job_id:\\d+}")
async def job_page(request: web.Request) -> web.Response:
    job = publish.get_job(request.app["settings"], int(request.match_info["job_id"]))
    if job is None:
        raise web.HTTPNotFound()
    version = publish.get_version(request.app["settings"], job["version_id"] or 0)
    return await render(request, "job.html", job=job, report=version["report"] if version else "")
