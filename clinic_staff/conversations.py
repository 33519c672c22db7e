"""Reading the conversation store (TRACKER_STORE_URL, read-only) for the console: one flagged
conversation (masked) and the dashboard's figures."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import sqlalchemy as sa

from clinic_core.masking import mask_personal_data
from clinic_staff.faq.unanswered import NAME_SLOTS, _read_only_engine, unanswered_reason

HANDOFF_ACTIONS = frozenset({"utter_handoff"})  # the visitor asked for a person


def _events(url: str, where=None) -> List[Tuple[str, str, float, str]]:
    if url.startswith("sqlite:///") and "?" not in url and not Path(url[10:]).exists():
        return []
    engine = _read_only_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return []
        events = sa.Table("events", sa.MetaData(), autoload_with=engine)
        query = sa.select(
            events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data
        ).order_by(events.c.timestamp)
        if where is not None:
            query = query.where(where(events))
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(query).fetchall()]
    finally:
        engine.dispose()


def transcript(url: str, conversation_id: str) -> List[Dict[str, str]]:
    """What the visitor and the assistant said, names, phone numbers and emails masked."""
    rows = _events(url, lambda e: e.c.sender_id == conversation_id)
    names = set()
    lines = []
    for _, type_name, timestamp, data in rows:
        event = json.loads(data or "{}")
        if type_name == "slot" and event.get("name") in NAME_SLOTS and event.get("value"):
            names.add(str(event["value"]))
        if type_name in ("user", "bot") and (event.get("text") or "").strip():
            lines.append(
                {
                    "at": datetime.fromtimestamp(timestamp or 0, tz=timezone.utc),
                    "who": "Visitor" if type_name == "user" else "Assistant",
                    "text": event["text"],
                }
            )
    for line in lines:
        line["text"] = mask_personal_data(line["text"], names)
    return lines


@dataclass
class Figures:
    days: List[date] = field(default_factory=list)
    conversations_per_day: List[int] = field(default_factory=list)
    answered_share: Optional[float] = None  # conversations without an unanswered message/hand-off
    top_topics: List[Tuple[str, int]] = field(default_factory=list)


def figures(url: str, days: int = 30, now: Optional[datetime] = None) -> Figures:
    now = now or datetime.now(timezone.utc)
    since = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = _events(
        url,
        lambda e: sa.and_(
            e.c.timestamp >= since.timestamp(), e.c.type_name.in_(("user", "action"))
        ),
    )
    per_day: Dict[date, set] = defaultdict(set)
    unanswered: set = set()
    topics: Counter = Counter()
    for sender_id, type_name, timestamp, data in rows:
        event = json.loads(data or "{}")
        if type_name == "action":
            if event.get("name") in HANDOFF_ACTIONS:
                unanswered.add(sender_id)
            continue
        per_day[datetime.fromtimestamp(timestamp, tz=timezone.utc).date()].add(sender_id)
        parse = event.get("parse_data") or {}
        if unanswered_reason(parse):
            unanswered.add(sender_id)
        from ml.evaluate import predicted_label

        label = predicted_label(parse)
        if label.startswith("faq/"):
            topics[label[4:]] += 1
    result = Figures()
    result.days = [since.date() + timedelta(days=i) for i in range(days)]
    result.conversations_per_day = [len(per_day.get(d, ())) for d in result.days]
    everyone = set().union(*per_day.values()) if per_day else set()
    if everyone:
        result.answered_share = 1 - len(unanswered & everyone) / len(everyone)
    result.top_topics = topics.most_common(8)
    return result


def per_week(times: List[datetime], weeks: int = 8, now: Optional[datetime] = None):
    """(week start, count) for the last `weeks` weeks, Monday first."""
    now = now or datetime.now(timezone.utc)
    this_monday = (now - timedelta(days=now.weekday())).date()
    starts = [this_monday - timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
    counts = Counter(
        (t.replace(tzinfo=t.tzinfo or timezone.utc) - timedelta(days=t.weekday())).date()
        for t in times
    )
    return [(s, counts.get(s, 0)) for s in starts]
