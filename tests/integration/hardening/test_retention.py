"""`./staff purge`: old conversations, booking requests and safety flags go; recent ones stay."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_core.storage import BookingRequest, booking_requests, get_storage, safety_flags
from clinic_staff import cli as staff

NOW = datetime.now(timezone.utc)
DAY = 86400.0


@pytest.fixture
def data(tmp_path, monkeypatch):
    tracker_url = f"sqlite:///{tmp_path}/conversations.db"
    clinic_url = f"sqlite:///{tmp_path}/clinic.db"
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    monkeypatch.setenv("CLINIC_DB_URL", clinic_url)
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "conversations.db"))
    now = NOW.timestamp()

    def conversation(sender, *ages_in_days):
        events = []
        for age in ages_in_days:
            events += [
                UserUttered("hello", timestamp=now - age * DAY),
                BotUttered("hi", timestamp=now - age * DAY + 1),
                ActionExecuted("action_listen", timestamp=now - age * DAY + 2),
            ]
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))

    conversation("old", 200, 120)  # whole conversation older than 90 days
    conversation("ongoing", 150, 2)  # started long ago, still talking: kept whole
    conversation("recent", 0)

    storage = get_storage(clinic_url)
    for name, age in (("Old", 100), ("New", 3)):
        reference = storage.save_booking(
            BookingRequest(
                first_name=name,
                contact_method="phone",
                contact="+12125550100",
                preferred_times="mornings",
                preferred_times_hint=None,
                consent=True,
                conversation_id=name,
            )
        )
        storage.flag_conversation(name, "phrase")
        with storage.engine.begin() as connection:
            when = NOW - timedelta(days=age)
            connection.execute(
                booking_requests.update()
                .where(booking_requests.c.reference == reference)
                .values(created_at=when)
            )
            connection.execute(
                safety_flags.update()
                .where(safety_flags.c.conversation_id == name)
                .values(created_at=when)
            )
    return store, storage


def senders(store):
    return sorted(asyncio.run(store.keys()))


def test_dry_run_counts_and_deletes_nothing(data, capsys):
    store, storage = data
    assert staff.main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would delete data older than 90 days" in out
    assert "conversations    : 1 (6 events)" in out
    assert "booking requests : 1" in out and "safety flags     : 1" in out
    assert senders(store) == ["old", "ongoing", "recent"]
    assert len(storage.list_bookings(status=None)) == 2


def test_purge_deletes_only_old_data_with_the_default_retention(data, capsys):
    store, storage = data
    assert staff.main(["purge"]) == 0
    assert "Deleted data older than 90 days" in capsys.readouterr().out
    assert senders(store) == ["ongoing", "recent"]
    ongoing = asyncio.run(store.retrieve("ongoing"))
    assert len([e for e in ongoing.events if isinstance(e, UserUttered)]) == 2
    assert [b["first_name"] for b in storage.list_bookings()] == ["New"]
    assert [f["conversation_id"] for f in storage.list_flags()] == ["New"]


def test_shorter_retention_deletes_more(data, capsys):
    store, storage = data
    assert staff.main(["purge", "--older-than-days", "1"]) == 0
    assert senders(store) == ["recent"]
    assert storage.list_bookings() == []


def test_retention_days_setting_is_the_default(data, monkeypatch, capsys):
    monkeypatch.setenv("RETENTION_DAYS", "1000")
    assert staff.main(["purge"]) == 0
    assert "conversations    : 0 (0 events)" in capsys.readouterr().out


@pytest.mark.parametrize("days", ["0", "-3", "ninety"])
def test_nonsense_days_are_refused(data, days):
    with pytest.raises(SystemExit):
        staff.main(["purge", "--older-than-days", days])
