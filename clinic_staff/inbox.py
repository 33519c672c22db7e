"""The inbox: what the assistant could not answer (./staff unanswered), minus what staff already
handled. One function per action, used by the console."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import List

import sqlalchemy as sa

from clinic_core.settings import Settings
from clinic_staff import db
from clinic_staff.accounts import audit
from clinic_staff.faq import drafts
from clinic_staff.faq.unanswered import Group, _group_key, unanswered_report


def items(settings: Settings, days: int = 30) -> List[Group]:
    with db.engine(settings).connect() as connection:
        handled = {r.key for r in connection.execute(sa.select(db.dismissed.c.key))}
    return [
        g
        for g in unanswered_report(settings.tracker_store_url, days)
        if _group_key(g.text)[:255] not in handled
    ]


def _handled(settings: Settings, text: str, action: str, by: str) -> None:
    key = _group_key(text)[:255]
    with db.engine(settings).begin() as connection:
        connection.execute(db.dismissed.delete().where(db.dismissed.c.key == key))
        connection.execute(
            db.dismissed.insert().values(
                key=key, action=action, by=by, at=datetime.now(timezone.utc)
            )
        )
    audit(settings, by, f"inbox: {action}", text)


def dismiss(settings: Settings, text: str, by: str) -> None:
    _handled(settings, text, "dismissed", by)


def add_as_phrasing(settings: Settings, text: str, topic: str, by: str) -> drafts.SaveResult:
    result = drafts.add_phrasing(settings, by, topic, text)
    if result.saved:
        _handled(settings, text, f"added to {topic}", by)
    return result


def started_new_faq(settings: Settings, text: str, by: str) -> None:
    _handled(settings, text, "new FAQ started", by)
