"""Inbox: questions the assistant could not answer, grouped and counted, personal data masked;
add one as a phrasing of an FAQ, start a new FAQ from it, or dismiss it."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from clinic_staff import inbox
from clinic_staff.console.app import flash, render
from clinic_staff.console.security import require
from clinic_staff.faq import drafts

routes = web.RouteTableDef()


@routes.get("/inbox")
async def inbox_page(request: web.Request) -> web.Response:
    settings = request.app["settings"]
    try:
        days = max(1, min(365, int(request.query.get("days", "30"))))
    except ValueError:
        days = 30
    faqs = sorted(
        (
            drafts.parse_faq(text, drafts.topic_of(path))
            for path, text in drafts.draft_files(settings).items()
            if path.startswith("data/faq/")
        ),
        key=lambda f: f.title.lower(),
    )  # drafts included: a new FAQ can collect phrasings before it is published
    return await render(
        request, "inbox.html", groups=inbox.items(settings, days)[:100], days=days, faqs=faqs
    )


@routes.post("/inbox")
async def act(request: web.Request) -> web.Response:
    user = require(request, "edit")
    settings = request.app["settings"]
    form = await request.post()
    text, action = str(form.get("text", "")).strip(), str(form.get("action", ""))
    if not text:
        raise web.HTTPSeeOther("/inbox")
    if action == "dismiss":
        inbox.dismiss(settings, text, user.username)
        await flash(request, f"Dismissed “{text}”.")
    elif action == "add":
        topic = str(form.get("topic", ""))
        result = inbox.add_as_phrasing(settings, text, topic, user.username)
        if result.saved:
            await flash(request, f"Added “{text}” as a phrasing of {topic} (a draft: publish it).")
        else:
            problems = " ".join(m for ms in result.problems.values() for m in ms)
            await flash(request, f"Not added: {problems}", "error")
    elif action == "new":
        inbox.started_new_faq(settings, text, user.username)
        raise web.HTTPSeeOther("/faqs/new?" + urlencode({"question": text}))
    raise web.HTTPSeeOther("/inbox")
