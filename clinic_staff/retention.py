"""Retention: delete conversations, booking requests and safety flags older than N days.

`./staff purge [--older-than-days N] [--dry-run]` (default N: RETENTION_DAYS, 90).

Conversations are deleted whole: a conversation (all tracker-store events of one
sender id) goes when its *latest* event is older than the cut-off, so a visitor
who is still talking never loses the start of their conversation, and no
half-conversation is left behind. Booking requests and safety flags go when they
were created before the cut-off, whatever their status.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Dict, Optional

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from clinic_core.settings import Settings, load_settings
from clinic_core.storage import StorageError, get_storage

EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore table


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    conversations: int
    conversation_events: int
    records: Dict[str, int]  # booking_requests / safety_flags -> rows


def purge_conversations(
    tracker_store_url: str, cutoff: datetime, dry_run: bool = False
) -> Dict[str, int]:
    """Delete every conversation whose latest event is before `cutoff`."""
    engine = sa.create_engine(tracker_store_url, future=True)
    try:
        return _purge_events(engine, cutoff, dry_run)
    except SQLAlchemyError as error:
        raise StorageError(f"Tracker store (TRACKER_STORE_URL) error: {error}") from error
    finally:
        engine.dispose()


def _purge_events(
    engine: sa.engine.Engine,
    cutoff: datetime,
    dry_run: bool,
    max_user_messages: Optional[int] = None,
) -> Dict[str, int]:
    """Delete conversations whose latest event is before `cutoff` (and, when
    `max_user_messages` is given, that have at most that many visitor messages)."""
    if not sa.inspect(engine).has_table(EVENTS_TABLE):
        return {"conversations": 0, "events": 0}
    events = sa.Table(EVENTS_TABLE, sa.MetaData(), autoload_with=engine)
    stale_senders = (
        sa.select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(sa.func.max(events.c.timestamp) < cutoff.timestamp())
    )
    if max_user_messages is not None:
        user_messages = sa.func.sum(sa.case((events.c.type_name == "user", 1), else_=0))
        stale_senders = stale_senders.having(user_messages <= max_user_messages)
    stale = events.c.sender_id.in_(stale_senders.scalar_subquery())
    with engine.begin() as connection:
        conversations = connection.execute(
            sa.select(sa.func.count()).select_from(stale_senders.subquery())
        ).scalar_one()
        event_count = connection.execute(
            sa.select(sa.func.count()).select_from(events).where(stale)
        ).scalar_one()
        if not dry_run:
            connection.execute(events.delete().where(stale))
    return {"conversations": conversations, "events": event_count}


def purge(
    older_than_days: int,
    dry_run: bool = False,
    settings: Optional[Settings] = None,
    now: Optional[datetime] = None,
) -> PurgeReport:
    settings = settings or load_settings()
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=older_than_days)
    conversations = purge_conversations(settings.tracker_store_url, cutoff, dry_run)
    # Anonymous one-message conversations (what a flood of new conversations leaves behind)
    # go sooner: ANONYMOUS_RETENTION_DAYS, so their storage stays bounded.
    anonymous = purge_short_conversations(
        settings.tracker_store_url,
        now - timedelta(days=min(settings.anonymous_retention_days, older_than_days)),
        dry_run,
    )
    records = get_storage(settings.database_url).delete_older_than(cutoff, dry_run)
    return PurgeReport(
        cutoff,
        conversations["conversations"] + anonymous["conversations"],
        conversations["events"] + anonymous["events"],
        records,
    )


def purge_short_conversations(
    tracker_store_url: str, cutoff: datetime, dry_run: bool = False
) -> Dict[str, int]:
    """Delete conversations of at most one visitor message whose latest event is before `cutoff`."""
    engine = sa.create_engine(tracker_store_url, future=True)
    try:
        return _purge_events(engine, cutoff, dry_run, max_user_messages=1)
    except SQLAlchemyError as error:
        raise StorageError(f"Tracker store (TRACKER_STORE_URL) error: {error}") from error
    finally:
        engine.dispose()


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Register `purge` on the staff command's sub-commands."""
    days = load_settings().retention_days
    command = commands.add_parser(
        "purge", help=f"delete data older than N days (default {days}: RETENTION_DAYS)"
    )
    command.add_argument(
        "--older-than-days",
        type=_positive_int,
        default=days,
        metavar="N",
        help=f"age limit in days (default {days}, from RETENTION_DAYS)",
    )
    command.add_argument("--dry-run", action="store_true", help="only count what would go")
    command.set_defaults(run=run)


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number of days (1 or more)")
    return int(value)


def run(args: argparse.Namespace) -> int:
    report = purge(args.older_than_days, args.dry_run)
    verb = "Would delete" if args.dry_run else "Deleted"
    print(
        f"{verb} data older than {args.older_than_days} days "
        f"(before {report.cutoff:%Y-%m-%d %H:%M} UTC):"
    )
    print(f"  conversations    : {report.conversations} ({report.conversation_events} events)")
    print(f"  booking requests : {report.records['booking_requests']}")
    print(f"  safety flags     : {report.records['safety_flags']}")
    return 0
