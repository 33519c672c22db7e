"""Dashboard: conversations per day, share answered without hand-off, top topics, top unanswered
questions, crisis referrals and call-back requests per week."""

from __future__ import annotations

from aiohttp import web

from clinic_core.storage import get_storage
from clinic_staff import conversations, inbox
from clinic_staff.console.app import render
from clinic_staff.console.charts import bar_chart

routes = web.RouteTableDef()


@routes.get("/")
async def dashboard(request: web.Request) -> web.Response:
    settings = request.app["settings"]
    figures = conversations.figures(settings.tracker_store_url, days=30)
    storage = get_storage(settings.database_url)
    flags = conversations.per_week([f["created_at"] for f in storage.list_flags()])
    calls = conversations.per_week([b["created_at"] for b in storage.list_bookings()])
    per_day = [
        (d.strftime("%b %d"), n) for d, n in zip(figures.days, figures.conversations_per_day)
    ]
    charts = [
        (
            "Conversations per day (last 30 days)",
            bar_chart("Conversations per day", per_day),
            per_day,
        ),
        (
            "Most asked topics (last 30 days)",
            bar_chart("Most asked topics", figures.top_topics),
            figures.top_topics,
        ),
        (
            "Crisis referrals per week",
            bar_chart("Crisis referrals per week", [(s.strftime("%b %d"), n) for s, n in flags]),
            [(s.strftime("%b %d"), n) for s, n in flags],
        ),
        (
            "Call-back requests per week",
            bar_chart("Call-back requests per week", [(s.strftime("%b %d"), n) for s, n in calls]),
            [(s.strftime("%b %d"), n) for s, n in calls],
        ),
    ]
    return await render(
        request,
        "dashboard.html",
        charts=charts,
        answered=figures.answered_share,
        conversations=sum(figures.conversations_per_day),
        unanswered=inbox.items(settings, 30)[:8],
    )
