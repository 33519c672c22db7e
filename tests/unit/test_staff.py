import csv
from datetime import datetime, timedelta, timezone

import pytest

from clinic_core.storage import BookingRequest, booking_requests, get_storage
from clinic_staff import cli as staff


@pytest.fixture
def storage(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/clinic.db"
    monkeypatch.setenv("CLINIC_DB_URL", url)
    return get_storage(url)


def add(storage, name, contact="+12125550100", when=None):
    reference = storage.save_booking(
        BookingRequest(
            first_name=name,
            contact_method="phone",
            contact=contact,
            preferred_times="mornings",
            preferred_times_hint="morning",
            consent=True,
            conversation_id=f"conv-{name}",
        )
    )
    if when:
        with storage.engine.begin() as connection:
            connection.execute(
                booking_requests.update()
                .where(booking_requests.c.reference == reference)
                .values(created_at=when)
            )
    return reference


def test_list_shows_new_requests(storage, capsys):
    add(storage, "Maria")
    assert staff.main(["bookings"]) == 0
    out = capsys.readouterr().out
    assert "Maria" in out and "KT-" in out


def test_export_filters_by_date_and_status_and_marks_handled(storage, tmp_path):
    old = add(storage, "Old", when=datetime.now(timezone.utc) - timedelta(days=40))
    new = add(storage, "New")
    assert staff.main(["handled", new.lower()]) == 0
    target = tmp_path / "out.csv"
    since = (datetime.now(timezone.utc) - timedelta(days=7)).strftime("%Y-%m-%d")
    staff.main(["bookings", "--status", "all", "--since", since, "--csv", str(target)])
    rows = list(csv.DictReader(target.open()))
    assert [(r["reference"], r["status"]) for r in rows] == [(new, "handled")]
    staff.main(["bookings", "--csv", str(target)])
    assert [r["reference"] for r in csv.DictReader(target.open())] == [old]


def test_csv_cells_cannot_inject_spreadsheet_formulas(storage, tmp_path):
    add(storage, '=HYPERLINK("x")')
    target = tmp_path / "out.csv"
    staff.main(["bookings", "--csv", str(target)])
    row = next(csv.DictReader(target.open()))
    assert row["first_name"].startswith("'=")
    assert row["contact"] == "+12125550100"


def test_unknown_reference_and_bad_date_are_clear_errors(storage, capsys):
    assert staff.main(["handled", "KT-NOPE99"]) == 1
    assert "No request" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        staff.main(["bookings", "--since", "yesterday"])


@pytest.mark.parametrize(
    "cell",
    ['=1+HYPERLINK("http://x")', "+1+cmd", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "+1 212 555 0100"],
)
def test_formula_like_cells_are_neutralised_even_with_a_digit_second(cell):
    assert staff._csv_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["+12125550100", "+442071234567", "Maria", "mornings"])
def test_exact_e164_numbers_and_plain_text_are_kept(cell):
    assert staff._csv_safe(cell) == cell


def test_flags_lists_crisis_conversations_the_clinic_database_missed(
    storage, tmp_path, monkeypatch, capsys
):
    import json

    import sqlalchemy as sa

    tracker_url = f"sqlite:///{tmp_path}/conversations.db"
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    engine = sa.create_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                "timestamp FLOAT, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
        for sender in ("flagged", "lost"):
            connection.execute(
                sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, action_name, data) "
                    "VALUES (:s, 'action', 1700000000, 'utter_crisis', :d)"
                ),
                {"s": sender, "d": json.dumps({"event": "action", "name": "utter_crisis"})},
            )
    storage.flag_conversation("flagged", "phrase")
    assert staff.main(["flags"]) == 1  # a warning: something to fix
    out, err = capsys.readouterr()
    assert "flagged" in out and "lost" in out and "NOT IN CLINIC DB" in out
    assert "1 crisis conversation(s) have no flag" in err


def test_a_conversation_flagged_twice_has_one_open_flag(storage):
    assert storage.flag_conversation("twice", "model") is True
    assert storage.flag_conversation("twice", "phrase") is False
    assert len(storage.list_flags()) == 1


def test_the_unanswered_report_never_shows_an_answer_to_the_first_name_question(tmp_path):
    """A refused first name (no slot holds it) was printed unmasked."""
    import json

    import sqlalchemy as sa

    from clinic_staff.faq.unanswered import read_unanswered

    url = f"sqlite:///{tmp_path}/conversations.db"
    engine = sa.create_engine(url)
    rows = [
        ("slot", {"event": "slot", "name": "requested_slot", "value": "callback_first_name"}),
        (
            "user",
            {
                "event": "user",
                "text": "Zebulon",
                "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3}},
            },
        ),
        ("slot", {"event": "slot", "name": "requested_slot", "value": None}),
        (
            "user",
            {
                "event": "user",
                "text": "what about parking",
                "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3}},
            },
        ),
    ]
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                "timestamp FLOAT, intent_name TEXT, action_name TEXT, data TEXT)"
            )
        )
        for number, (kind, event) in enumerate(rows):
            connection.execute(
                sa.text(
                    "INSERT INTO events (sender_id, type_name, timestamp, data) "
                    "VALUES ('c', :k, :t, :d)"
                ),
                {"k": kind, "t": 1700000000 + number, "d": json.dumps(event)},
            )
    texts = [m.text for m in read_unanswered(url, datetime(2000, 1, 1, tzinfo=timezone.utc))]
    assert texts == ["[name]", "what about parking"]
