"""`./staff unanswered`: visitor messages the assistant could not answer, grouped and counted.

Reads the `events` table that Rasa's SQLTrackerStore writes (TRACKER_STORE_URL), read-only.
A message counts as unanswered when the NLU declined it (nlu_fallback, out_of_scope) or was
unsure (intent or FAQ topic confidence below LOW_CONFIDENCE). Crisis messages are left out:
staff review those with `./staff flags`. Phone numbers, emails and names are masked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set

import sqlalchemy as sa

from clinic_core.masking import mask_personal_data
from clinic_core.text import clean_message

LOW_CONFIDENCE = 0.6  # the FallbackClassifier already declines below 0.5; 0.5-0.6 is "unsure"
DECLINED_INTENTS = frozenset({"nlu_fallback", "out_of_scope"})
LEFT_OUT_INTENTS = frozenset({"crisis"})
NAME_SLOTS = frozenset({"callback_first_name"})


@dataclass(frozen=True)
class UserMessage:
    sender_id: str
    text: str
    at: datetime
    reason: str  # why it counts as unanswered, e.g. "nlu_fallback" or "unsure: faq/cost"


@dataclass
class Group:
    text: str  # masked
    count: int
    first: datetime
    last: datetime
    reasons: Set[str]


def unanswered_reason(parse_data: dict, threshold: float = LOW_CONFIDENCE) -> Optional[str]:
    """Why a parsed message was not answered well, or None if it was."""
    intent = parse_data.get("intent") or {}
    name = intent.get("name") or "nlu_fallback"
    if name in LEFT_OUT_INTENTS:
        return None
    if name in DECLINED_INTENTS:
        return name
    if float(intent.get("confidence") or 0.0) < threshold:
        return f"unsure: {name}"
    selector = ((parse_data.get("response_selector") or {}).get(name) or {}).get("response") or {}
    if selector and float(selector.get("confidence") or 0.0) < threshold:
        return f"unsure: {selector.get('intent_response_key') or name}"
    return None


def _read_only_engine(url: str) -> sa.engine.Engine:
    """SQLite files are opened read-only; other databases are only ever SELECTed from."""
    if url.startswith("sqlite:///") and "?" not in url:
        return sa.create_engine(f"sqlite:///file:{url[len('sqlite:///') :]}?mode=ro&uri=true")
    return sa.create_engine(url)


def read_unanswered(
    url: str, since: datetime, threshold: float = LOW_CONFIDENCE
) -> List[UserMessage]:
    """Unanswered visitor messages since `since`, names from the call-back form masked."""
    if url.startswith("sqlite:///") and "?" not in url and not Path(url[10:]).exists():
        return []  # nothing recorded yet
    engine = _read_only_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return []
        events = sa.Table("events", sa.MetaData(), autoload_with=engine)
        query = (
            sa.select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.data)
            .where(events.c.type_name.in_(("user", "slot")))
            .where(events.c.timestamp >= since.timestamp())
            .order_by(events.c.timestamp)
        )
        with engine.connect() as connection:
            rows = connection.execute(query).fetchall()
    finally:
        engine.dispose()
    names: Dict[str, Set[str]] = defaultdict(set)
    asked: Dict[str, Optional[str]] = {}  # the form question each conversation is on
    pending: List[UserMessage] = []
    for sender_id, type_name, timestamp, data in rows:
        try:
            event = json.loads(data or "{}")
        except ValueError:
            continue
        if type_name == "slot":
            if event.get("name") == "requested_slot":
                asked[sender_id] = event.get("value")
            if event.get("name") in NAME_SLOTS and isinstance(event.get("value"), str):
                names[sender_id].add(event["value"])
            continue
        reason = unanswered_reason(event.get("parse_data") or {}, threshold)
        if reason and (event.get("text") or "").strip():
            at = datetime.fromtimestamp(timestamp or 0, tz=timezone.utc)
            # An answer to "what is your first name?" is a name even when the form refused
            # it (so no slot holds it): never show it.
            text = "[name]" if asked.get(sender_id) in NAME_SLOTS else event["text"]
            pending.append(UserMessage(sender_id, text, at, reason))
    return [
        UserMessage(
            m.sender_id,
            mask_personal_data(clean_message(m.text), names[m.sender_id]),
            m.at,
            m.reason,
        )
        for m in pending
    ]


def _group_key(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .!?,")


def group_messages(messages: Iterable[UserMessage]) -> List[Group]:
    """Messages with the same (normalised) text together, most frequent first."""
    groups: Dict[str, Group] = {}
    for message in messages:
        key = _group_key(message.text)
        group = groups.get(key)
        if group is None:
            groups[key] = Group(message.text, 1, message.at, message.at, {message.reason})
            continue
        group.count += 1
        group.first, group.last = min(group.first, message.at), max(group.last, message.at)
        group.reasons.add(message.reason)
    return sorted(groups.values(), key=lambda g: (-g.count, -g.last.timestamp(), g.text))


def unanswered_report(url: str, days: int, now: Optional[datetime] = None) -> List[Group]:
    now = now or datetime.now(timezone.utc)
    return group_messages(read_unanswered(url, now - timedelta(days=days)))
