"""Call-back requests (list, mark handled, CSV export) and crisis flags (list, read the masked
conversation, mark reviewed)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from aiohttp import web

from clinic_core.storage import get_storage
from clinic_staff import accounts, conversations
from clinic_staff.cli import BOOKING_COLUMNS, _cell, _csv_safe
from clinic_staff.console.app import flash, render
from clinic_staff.console.security import require

routes = web.RouteTableDef()


def _date(value: str):
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _bookings(request: web.Request):
    settings = request.app["settings"]
    status = request.query.get("status", "new")
    rows = get_storage(settings.database_url).list_bookings(
        status=None if status == "all" else status,
        since=_date(request.query.get("since", "")),
        until=_date(request.query.get("until", "")),
    )
    return rows, status


@routes.get("/callbacks")
async def callbacks(request: web.Request) -> web.Response:
    rows, status = _bookings(request)
    return await render(
        request, "callbacks.html", rows=rows, show=status, query=request.query_string
    )


@routes.get("/callbacks.csv")
async def export(request: web.Request) -> web.Response:
    user = require(request, "edit")
    rows, _ = _bookings(request)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=BOOKING_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_safe(_cell(row.get(k))) for k in BOOKING_COLUMNS})
    accounts.audit(request.app["settings"], user.username, "call-backs exported", f"{len(rows)}")
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="callback-requests.csv"'},
    )


@routes.post("/callbacks/{reference}/handled")
async def handled(request: web.Request) -> web.Response:
    user = require(request, "edit")
    reference = request.match_info["reference"]
    settings = request.app["settings"]
    if get_storage(settings.database_url).mark_handled(reference):
        accounts.audit(settings, user.username, "call-back handled", reference)
        await flash(request, f"{reference} is marked as handled.")
    raise web.HTTPSeeOther("/callbacks")


@routes.get("/flags")
async def flags(request: web.Request) -> web.Response:
    settings = request.app["settings"]
    status = request.query.get("status", "new")
    rows = get_storage(settings.database_url).list_flags(None if status == "all" else status)
    return await render(request, "flags.html", rows=list(reversed(rows)), show=status)


@routes.get("/flags/{flag_id:\\d+}")
async def flag(request: web.Request) -> web.Response:
    user = require(request, "edit")
    settings = request.app["settings"]
    flag_id = int(request.match_info["flag_id"])
    found = [f for f in get_storage(settings.database_url).list_flags() if f["id"] == flag_id]
    if not found:
        raise web.HTTPNotFound()
    accounts.audit(settings, user.username, "crisis flag read", str(flag_id))
    lines = conversations.transcript(settings.tracker_store_url, found[0]["conversation_id"])
    return await render(request, "flag.html", flag=found[0], lines=lines)


@routes.post("/flags/{flag_id:\\d+}/reviewed")
async def reviewed(request: web.Request) -> web.Response:
    user = require(request, "edit")
    settings = request.app["settings"]
    flag_id = int(request.match_info["flag_id"])
    if get_storage(settings.database_url).mark_flag_reviewed(flag_id):
        accounts.audit(settings, user.username, "crisis flag reviewed", str(flag_id))
        await flash(request, "Marked as reviewed.")
    raise web.HTTPSeeOther("/flags")
