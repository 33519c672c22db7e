"""FAQs: list with search, edit (answer preview with the clinic's details filled in, phrasings),
new, delete. Every save runs the FAQ check and shows its problems next to the field."""

from __future__ import annotations

from typing import Dict, List

from aiohttp import web

from clinic_staff.console.app import flash, render
from clinic_staff.console.security import require
from clinic_staff.faq import check, drafts

routes = web.RouteTableDef()


def _lines(text: str) -> List[str]:
    return [line.strip().lstrip("-").strip() for line in text.splitlines() if line.strip()]


def _status(topic: str, live: Dict, rows: Dict, changes: Dict) -> str:
    path = f"data/faq/{topic}.yml"
    if path not in rows:
        return "Published"
    change = changes.get(path)
    if rows[path]["content"] is None:
        return "Will be deleted at the next publish"
    if change and change.needs_approval and not change.approved:
        return "Changed, waiting for a clinician's approval"
    return "New, not published yet" if topic not in live else "Changed, not published yet"


@routes.get("/faqs")
async def faq_list(request: web.Request) -> web.Response:
    settings = request.app["settings"]
    query = request.query.get("q", "").strip().lower()
    live = drafts.live_faqs(settings)
    rows = drafts.drafts(settings)
    changes = {c.path: c for c in drafts.pending_changes(settings)}
    current = dict(live)
    for path, row in rows.items():
        if path.startswith("data/faq/") and row["content"] is not None:
            current[drafts.topic_of(path)] = drafts.parse_faq(row["content"], drafts.topic_of(path))
    items = []
    for topic, faq in sorted(current.items(), key=lambda item: item[1].title.lower()):
        haystack = " ".join([topic, faq.title, faq.answer, *faq.phrasings]).lower()
        if query and query not in haystack:
            continue
        items.append(
            {
                "topic": topic,
                "title": faq.title,
                "answer": faq.answer,
                "phrasings": len(faq.phrasings),
                "medical": faq.medical,
                "status": _status(topic, live, rows, changes),
            }
        )
    return await render(request, "faqs.html", items=items, query=query, total=len(current))


def _current(settings, topic: str):
    content = drafts.draft_files(settings).get(f"data/faq/{topic}.yml")
    live = drafts.live_faqs(settings).get(topic)
    if content is None and live is None:
        raise web.HTTPNotFound()
    faq = drafts.parse_faq(content, topic) if content is not None else live
    return faq, live


async def _form(request, topic: str, faq, new: bool, errors=None, warnings=None, status=200):
    settings = request.app["settings"]
    slots = drafts.clinic_slots(settings)
    return await render(
        request,
        "faq_edit.html",
        status=status,
        topic=topic,
        faq=faq,
        new=new,
        errors=errors or {},
        warnings=warnings or {},
        preview=drafts.fill_placeholders(faq.answer, slots) if faq else "",
        placeholders=[(name, slots.get(name, "")) for name in check.placeholders()],
        min_phrasings=drafts.files.MIN_PHRASINGS,
        draft=f"data/faq/{topic}.yml" in drafts.drafts(settings) if topic else False,
    )


@routes.get("/faqs/new")
async def new_form(request: web.Request) -> web.Response:
    require(request, "edit")
    question = request.query.get("question", "")
    faq = drafts.Faq("", [question] if question else [], "")
    return await _form(request, "", faq, new=True)


@routes.post("/faqs/new")
async def create(request: web.Request) -> web.Response:
    user = require(request, "edit")
    form = await request.post()
    topic = str(form.get("topic", "")).strip().lower()
    result = drafts.save_faq(
        request.app["settings"], user.username, topic, str(form.get("answer", "")),
        _lines(str(form.get("phrasings", ""))), medical=form.get("medical") == "yes", new=True,
    )  # fmt: skip
    if not result.saved:
        faq = drafts.Faq(topic, _lines(str(form.get("phrasings", ""))), str(form.get("answer", "")))
        faq.metadata["medical"] = form.get("medical") == "yes"
        return await _form(request, topic, faq, True, result.problems, result.warnings, 422)
    await flash(request, f"Saved the new FAQ “{topic}” as a draft. Publish it to put it live.")
    raise web.HTTPSeeOther(f"/faqs/{topic}")


@routes.get("/faqs/{topic}")
async def edit_form(request: web.Request) -> web.Response:
    topic = request.match_info["topic"]
    faq, _ = _current(request.app["settings"], topic)
    return await _form(request, topic, faq, new=False)


@routes.post("/faqs/{topic}")
async def save(request: web.Request) -> web.Response:
    user = require(request, "edit")
    settings = request.app["settings"]
    topic = request.match_info["topic"]
    before, _ = _current(settings, topic)
    form = await request.post()
    answer, phrasings = str(form.get("answer", "")), _lines(str(form.get("phrasings", "")))
    result = drafts.save_faq(settings, user.username, topic, answer, phrasings)
    if not result.saved:
        faq = drafts.Faq(topic, phrasings, answer, before.metadata)
        return await _form(request, topic, faq, False, result.problems, result.warnings, 422)
    note = " A clinician must approve it before it is published." if before.medical else ""
    await flash(request, f"Saved as a draft.{note} Visitors still see the published answer.")
    if result.warnings:
        await flash(request, " ".join(m for ms in result.warnings.values() for m in ms), "warn")
    raise web.HTTPSeeOther(f"/faqs/{topic}")


@routes.post("/faqs/{topic}/delete")
async def delete(request: web.Request) -> web.Response:
    user = require(request, "edit")
    topic = request.match_info["topic"]
    drafts.delete_faq(request.app["settings"], user.username, topic)
    await flash(request, f"“{topic}” will be removed at the next publish.")
    raise web.HTTPSeeOther("/faqs")


@routes.post("/faqs/{topic}/discard")
async def discard(request: web.Request) -> web.Response:
    user = require(request, "edit")
    topic = request.match_info["topic"]
    drafts.discard_draft(request.app["settings"], f"data/faq/{topic}.yml", user.username)
    await flash(request, "The draft was discarded.")
    live = drafts.live_faqs(request.app["settings"])
    raise web.HTTPSeeOther(f"/faqs/{topic}" if topic in live else "/faqs")
