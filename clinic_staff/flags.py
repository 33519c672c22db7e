"""Crisis conversations for staff review, from both places they are kept.

The action server writes a flag to the clinic database (CLINIC_DB_URL) after every crisis
reply, with retries. The crisis reply itself (`utter_crisis`) is always in the tracker store
(TRACKER_STORE_URL), even when the action server is down or the clinic database cannot be
written. `./staff flags` reads both, so no crisis conversation is missed, and says which ones
are missing from the clinic database (a failed write to fix).

`./staff conversation <id>` prints a whole conversation from the tracker store, including
the turns a visitor's /restart hides from Rasa's default tracker view.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

import sqlalchemy as sa

from clinic_core.storage import Storage, StorageError

CRISIS_RESPONSE = "utter_crisis"


@dataclass(frozen=True)
class CrisisConversation:
    conversation_id: str
    created_at: datetime
    layer: str
    status: str  # new / handled, or "NOT IN CLINIC DB" when only the tracker store has it


def _read_only_engine(url: str) -> Optional[sa.engine.Engine]:
    if url.startswith("sqlite:///") and "?" not in url:
        path = url[len("sqlite:///") :]
        if not Path(path).exists():
            return None
        return sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    return sa.create_engine(url)


def _events_table(engine: sa.engine.Engine) -> Optional[sa.Table]:
    if not sa.inspect(engine).has_table("events"):
        return None
    return sa.Table("events", sa.MetaData(), autoload_with=engine)


def crisis_replies(tracker_store_url: str) -> Dict[str, datetime]:
    """Conversation id -> time of its first crisis reply, from the tracker store."""
    engine = _read_only_engine(tracker_store_url)
    if engine is None:
        return {}
    try:
        events = _events_table(engine)
        if events is None:
            return {}
        query = (
            sa.select(events.c.sender_id, sa.func.min(events.c.timestamp))
            .where(events.c.type_name == "action", events.c.action_name == CRISIS_RESPONSE)
            .group_by(events.c.sender_id)
        )
        with engine.connect() as connection:
            return {
                sender: datetime.fromtimestamp(at or 0, tz=timezone.utc)
                for sender, at in connection.execute(query)
            }
    except sa.exc.SQLAlchemyError as error:
        raise StorageError(f"Tracker store (TRACKER_STORE_URL) error: {error}") from error
    finally:
        engine.dispose()


def crisis_conversations(
    storage: Storage, tracker_store_url: str
) -> tuple[List[CrisisConversation], List[str]]:
    """Every crisis conversation, and the problems met reading either store."""
    problems: List[str] = []
    rows: List[CrisisConversation] = []
    flagged = set()
    try:
        for flag in storage.list_flags():
            flagged.add(flag["conversation_id"])
            created = flag["created_at"]
            if created is not None and created.tzinfo is None:
                created = created.replace(tzinfo=timezone.utc)
            rows.append(
                CrisisConversation(flag["conversation_id"], created, flag["layer"], flag["status"])
            )
    except StorageError as error:
        problems.append(f"The clinic database (CLINIC_DB_URL) cannot be read: {error}")
    try:
        for conversation_id, at in crisis_replies(tracker_store_url).items():
            if conversation_id not in flagged:
                rows.append(CrisisConversation(conversation_id, at, "-", "NOT IN CLINIC DB"))
    except StorageError as error:
        problems.append(str(error))
    missing = sum(1 for r in rows if r.status == "NOT IN CLINIC DB")
    if missing:
        problems.append(
            f"{missing} crisis conversation(s) have no flag in the clinic database (the write "
            "failed, or the action server was down): review them, and check CLINIC_DB_URL."
        )
    rows.sort(key=lambda r: r.created_at)
    return rows, problems


def transcript(tracker_store_url: str, conversation_id: str) -> List[str]:
    """Every visitor and bot message of the conversation, across sessions and restarts."""
    engine = _read_only_engine(tracker_store_url)
    if engine is None:
        return []
    lines: List[str] = []
    try:
        events = _events_table(engine)
        if events is None:
            return []
        query = (
            sa.select(events.c.type_name, events.c.timestamp, events.c.data)
            .where(events.c.sender_id == conversation_id)
            .order_by(events.c.id)
        )
        with engine.connect() as connection:
            for type_name, timestamp, data in connection.execute(query):
                at = datetime.fromtimestamp(timestamp or 0, tz=timezone.utc).strftime(
                    "%Y-%m-%d %H:%M:%S"
                )
                event = json.loads(data or "{}")
                if type_name == "user":
                    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
                    lines.append(f"{at}  visitor: {event.get('text')}   [{intent}]")
                elif type_name == "bot":
                    lines.append(f"{at}  bot:     {event.get('text')}")
                elif type_name == "restart":
                    lines.append(f"{at}  --- the visitor restarted the conversation ---")
                elif type_name == "session_started":
                    lines.append(f"{at}  --- new session ---")
    finally:
        engine.dispose()
    return lines
