"""`./staff unanswered` on a tracker store written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import asyncio
import csv
from datetime import datetime, timedelta, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_staff import cli as staff

NOW = datetime.now(timezone.utc)


def said(text, intent, days_ago, confidence=0.9, faq_key=None, faq_confidence=0.9):
    parse = {"text": text, "intent": {"name": intent, "confidence": confidence}}
    if faq_key:
        parse["response_selector"] = {
            "faq": {"response": {"intent_response_key": faq_key, "confidence": faq_confidence}}
        }
    return UserUttered(
        text,
        intent=parse["intent"],
        parse_data=parse,
        timestamp=(NOW - timedelta(days=days_ago)).timestamp(),
    )


def slot(name, value, days_ago):
    return SlotSet(name, value, timestamp=(NOW - timedelta(days=days_ago)).timestamp())


CONVERSATIONS = {
    "visitor-a": [
        said("where can I park?", "nlu_fallback", 10, confidence=0.4),
        said("Maria", "inform", 9, confidence=0.55),
        slot("callback_first_name", "Maria", 9),
        said("maria here again, do you treat OCD", "out_of_scope", 8),
        said("how much does ketamine cost", "faq", 8, faq_key="faq/cost"),  # answered
    ],
    "visitor-b": [
        said("Where can i park", "out_of_scope", 2),
        said("is parking validated", "faq", 3, faq_key="faq/cost", faq_confidence=0.3),
        said("i want to kill myself", "crisis", 3, confidence=0.3),  # ./staff flags, not here
        said("where can i park", "nlu_fallback", 45, confidence=0.2),  # older than --days
    ],
    "visitor-c": [
        said("my name is Jane Doe, email jane.doe@example.org", "nlu_fallback", 5, confidence=0.3),
        said("I'm Priya, call me on 917 555 0123 please", "nlu_fallback", 4, confidence=0.3),
        said("i'm worried about the cost", "nlu_fallback", 4, confidence=0.3),
    ],
}


@pytest.fixture
def tracker_store_url(tmp_path, monkeypatch):
    path = tmp_path / "conversations.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    loop = asyncio.new_event_loop()
    try:
        for sender, events in CONVERSATIONS.items():
            loop.run_until_complete(store.save(DialogueStateTracker.from_events(sender, events)))
    finally:
        loop.close()
        store.engine.dispose()
    url = f"sqlite:///{path}"
    monkeypatch.setenv("TRACKER_STORE_URL", url)
    return url


def day(days_ago: int) -> str:
    return (NOW - timedelta(days=days_ago)).strftime("%Y-%m-%d")


def test_unanswered_messages_are_grouped_counted_dated_and_masked(
    tracker_store_url, tmp_path, capsys
):
    assert staff.main(["unanswered", "--days", "30", "--csv", str(tmp_path / "out.csv")]) == 0
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    by_message = {row["message"]: row for row in rows}
    assert rows[0]["message"].lower().startswith("where can i park")  # most frequent first
    assert (rows[0]["count"], rows[0]["first"], rows[0]["last"]) == ("2", day(10), day(2))
    assert rows[0]["reason"] == "nlu_fallback, out_of_scope"
    assert set(by_message) == {
        "where can I park?",
        "[name]",
        "[name] here again, do you treat OCD",
        "is parking validated",
        "my name is [name], email [email]",
        "I'm [name], call me on [phone] please",
        "i'm worried about the cost",
    }
    assert by_message["is parking validated"]["reason"] == "unsure: faq/cost"
    assert all(row["count"] == "1" for row in rows[1:])
    text = (tmp_path / "out.csv").read_text()
    for personal in (
        "Maria",
        "maria",
        "Jane",
        "Doe",
        "jane.doe",
        "Priya",
        "917",
        "0123",
        "kill myself",
    ):
        assert personal not in text


def test_readable_table_with_limit_and_day_window(tracker_store_url, capsys):
    assert staff.main(["unanswered", "--days", "60", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "9 message(s), 7 different" in out and "Showing the 1 most frequent" in out
    table = out.splitlines()[1:]
    assert table[0].split() == ["count", "first", "last", "reason", "message"]
    assert table[1].split()[:3] == ["3", day(45), day(2)]
    assert len(table) == 2


def test_no_conversations_yet(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path}/missing.db")
    assert staff.main(["unanswered"]) == 0
    assert "0 message(s)" in capsys.readouterr().out
    assert not (tmp_path / "missing.db").exists()
