"""The staff console in process (aiohttp test client, SQLite, a copy of the project): accounts,
sessions, CSRF, lock-out, roles, FAQ drafts and their check, approval, publish and rollback with a
stand-in gate and fleet. The real gate and the browser walk are in tests/e2e/test_console.py."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from clinic_staff import accounts
from clinic_staff.console.app import make_app
from clinic_staff.faq import drafts, publish
from tests import new_faq
from tests.integration.console.support import (
    PASSWORD,
    FakeFleet,
    add_users,
    console_settings,
    csrf_of,
    fake_gate,
)


@pytest.fixture
def settings(tmp_path):
    settings = console_settings(tmp_path)
    add_users(settings)
    (tmp_path / "models").mkdir()
    return settings


@pytest.fixture
def fleet(settings):
    running = settings.model_dir / "clinic-running.tar.gz"
    running.write_bytes(b"the running model")
    return FakeFleet(running)


@pytest_asyncio.fixture
async def client(settings, fleet):
    app = make_app(settings, gate=fake_gate(), fleet=fleet)
    async with TestClient(TestServer(app)) as client:
        yield client


async def login(client, username, password=PASSWORD):
    page = await (await client.get("/login")).text()
    return await client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page)},
        allow_redirects=False,
    )


async def token(client, path="/faqs"):
    return csrf_of(await (await client.get(path)).text())


async def wait_for_job(client, location: str) -> str:
    for _ in range(100):
        page = await (await client.get(location)).text()
        if 'id="job-result"' in page:
            return page
        await asyncio.sleep(0.1)
    raise AssertionError("the job did not finish")


@pytest.mark.asyncio
async def test_pages_need_a_session_and_forms_need_the_csrf_token(client):
    response = await client.get("/faqs", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"].startswith("/login")
    response = await client.post("/faqs/cost", data={"answer": "x"}, allow_redirects=False)
    assert response.status == 403
    # A form without the session's token is refused, even for a logged-in admin.
    assert (await login(client, "ada")).status == 303
    response = await client.post("/faqs/cost", data={"answer": "x", "csrf_token": "forged"})
    assert response.status == 403
    cookie = next(iter(client.session.cookie_jar))
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


@pytest.mark.asyncio
async def test_five_wrong_passwords_lock_the_account(client):
    for _ in range(4):
        assert (await login(client, "ed", "wrong password!")).status == 401
    response = await login(client, "ed", "wrong password!")
    assert "locked" in await response.text()
    response = await login(client, "ed")  # the right password no longer works
    assert response.status == 401 and "locked" in await response.text()


@pytest.mark.asyncio
async def test_an_editor_cannot_publish_approve_or_manage_users(client):
    await login(client, "ed")
    csrf = await token(client)
    for path, data in (
        ("/publish/start", {}),
        ("/publish/approve", {"path": "data/faq/side_effects.yml"}),
        ("/users", {"username": "eve", "role": "admin", "password": "x" * 12}),
        ("/history/1/rollback", {}),
    ):
        response = await client.post(path, data={**data, "csrf_token": csrf})
        assert response.status == 403, path
    assert (await client.get("/users")).status == 403
    assert "Users" not in await (await client.get("/faqs")).text()


@pytest.mark.asyncio
async def test_a_check_error_is_shown_next_to_the_field_and_nothing_is_saved(client, settings):
    await login(client, "ed")
    csrf = await token(client, "/faqs/side_effects")
    live = drafts.live_faqs(settings)["side_effects"]
    response = await client.post(
        "/faqs/side_effects",
        data={
            "csrf_token": csrf,
            "answer": "Side effects are mild. Call {clinic_fone}.",
            "phrasings": "\n".join(live.phrasings),
        },
    )
    page = await response.text()
    assert response.status == 422
    assert "unknown placeholder {clinic_fone}" in page and 'aria-invalid="true"' in page
    assert drafts.drafts(settings) == {}
    response = await client.post(
        "/faqs/side_effects",
        data={
            "csrf_token": csrf,
            "answer": "Side effects are mild. Call {clinic_phone}.",
            "phrasings": "\n".join(live.phrasings),
        },
    )
    page = await response.text()
    assert "(212) 555-0100" in page  # the preview fills in the clinic's phone
    assert list(drafts.drafts(settings)) == ["data/faq/side_effects.yml"]
    # The published file is untouched: a restart serves the published answer.
    assert drafts.live_faqs(settings)["side_effects"].answer == live.answer


@pytest.mark.asyncio
async def test_approve_publish_and_roll_back(client, settings, fleet):
    await login(client, "ed")
    csrf = await token(client, "/faqs/new")
    response = await client.post(
        "/faqs/new",
        data={
            "csrf_token": csrf,
            "topic": "wifi",
            "answer": new_faq.ANSWER,
            "phrasings": "\n".join(new_faq.PHRASINGS),
            "medical": "",
        },
    )
    assert (
        response.status == 200
        and "New, not published yet" in await (await client.get("/faqs?q=wifi")).text()
    )
    live = drafts.live_faqs(settings)["side_effects"]
    await client.post(
        "/faqs/side_effects",
        data={
            "csrf_token": csrf,
            "answer": "Mild and short.",
            "phrasings": "\n".join(live.phrasings),
        },
    )
    await client.post("/logout", data={"csrf_token": csrf})

    await login(client, "ada")
    page = await (await client.get("/publish")).text()
    assert "Needs a clinician" in page and "Publish now" not in page
    response = await client.post("/publish/start", data={"csrf_token": csrf_of(page)})
    assert "must approve" in await response.text()

    await login(client, "clara")
    page = await (await client.get("/publish")).text()
    assert "<ins>Mild</ins>" in page and "Approve this answer" in page
    await client.post(
        "/publish/approve",
        data={"csrf_token": csrf_of(page), "path": "data/faq/side_effects.yml"},
    )
    content = drafts.drafts(settings)["data/faq/side_effects.yml"]["content"]
    assert "reviewed_by: Clara Test" in content and "reviewed_on:" in content

    await login(client, "ada")
    page = await (await client.get("/publish")).text()
    response = await client.post(
        "/publish/start", data={"csrf_token": csrf_of(page)}, allow_redirects=False
    )
    page = await wait_for_job(client, response.headers["Location"])
    assert "published as version 2" in page, page
    assert drafts.drafts(settings) == {}
    assert drafts.live_faqs(settings)["side_effects"].answer == "Mild and short."
    assert (settings.project_dir / "data" / "faq" / "wifi.yml").exists()
    assert len(fleet.loads) == 1 and fleet.loads[0].startswith("clinic-")
    # `make run` after a restart finds the published model under the live files' fingerprint.
    from ml.train import model_path

    assert model_path(settings.project_dir, settings.model_dir).exists()

    versions = publish.list_versions(settings)
    assert [v["id"] for v in versions] == [2, 1] and versions[0]["author"] == "ada"
    assert "new FAQ wifi" in versions[0]["summary"]
    page = await (await client.get("/history")).text()
    response = await client.post(
        "/history/1/rollback", data={"csrf_token": csrf_of(page)}, allow_redirects=False
    )
    page = await wait_for_job(client, response.headers["Location"])
    assert "rolled back as version 3" in page
    assert fleet.model.name == "clinic-running.tar.gz"
    assert drafts.live_faqs(settings)["side_effects"].answer == live.answer
    assert not (settings.project_dir / "data" / "faq" / "wifi.yml").exists()
    assert json.loads(publish.get_version(settings, 3)["files"]) == json.loads(
        publish.get_version(settings, 1)["files"]
    )


@pytest.mark.asyncio
async def test_a_refused_publish_says_why_and_changes_nothing(settings, fleet):
    broken = {
        "crisis:crisis_messages": [("i want to end it all", "crisis", "faq/cost")],
        "heldout:heldout": [],
    }
    old = {"crisis:crisis_messages": [("i want to end it all", "crisis", "crisis")]}
    gate = fake_gate()
    gate.predict = lambda s, model: old if model.name == "clinic-running.tar.gz" else broken
    drafts.save_faq(settings, "ada", "wifi", new_faq.ANSWER, new_faq.PHRASINGS, False, True)
    before = drafts.live_files(settings)
    with pytest.raises(publish.PublishError, match="Crisis detection got worse"):
        publish.publish(settings, "ada", gate, fleet)
    assert drafts.live_files(settings) == before and fleet.loads == []
    assert "data/faq/wifi.yml" in drafts.drafts(settings)


def test_the_cli_creates_the_first_admin_with_a_prompted_password(settings, monkeypatch, capsys):
    from clinic_staff import cli

    answers = iter(["a long secret pass", "a long secret pass"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setenv("CLINIC_DB_URL", settings.database_url)
    assert cli.main(["user", "add", "--username", "boss", "--name", "The Boss"]) == 0
    user = accounts.authenticate(settings, "boss", "a long secret pass")
    assert user.role == "admin"


def test_settings_are_validated(settings):
    values = drafts.clinic_values(settings)
    problems = drafts.save_clinic(
        settings, "ada", {**values, "booking_url": "http://x.example", "time_zone": "Mars/Base"}
    )
    assert "booking_url" in problems and "time_zone" in problems
    assert drafts.save_clinic(settings, "ada", {**values, "phone": "(212) 555-0199"}) == {}
    assert drafts.clinic_slots(settings)["clinic_phone"] == "(212) 555-0199"
    assert "(212) 555-0100" in Path(settings.clinic_file).read_text()  # live until published


def seed_events(settings, rows):
    """Rasa's tracker store `events` table with the given (sender, type, data) rows."""
    import time

    import sqlalchemy as sa

    engine = sa.create_engine(settings.tracker_store_url)
    meta = sa.MetaData()
    events = sa.Table(
        "events",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255)),
        sa.Column("type_name", sa.String(255)),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
    )
    meta.create_all(engine)
    with engine.begin() as connection:
        for sender, type_name, data in rows:
            connection.execute(
                events.insert().values(
                    sender_id=sender, type_name=type_name, timestamp=time.time(),
                    data=json.dumps(data),
                )
            )  # fmt: skip
    engine.dispose()


@pytest.mark.asyncio
async def test_inbox_call_backs_flags_settings_and_dashboard(client, settings):
    from clinic_core.storage import BookingRequest, get_storage

    fallback = {"intent": {"name": "nlu_fallback", "confidence": 0.2}}
    seed_events(
        settings,
        [
            ("v1", "user", {"text": "do you have wifi", "parse_data": fallback}),
            ("v2", "user", {"text": "Do you have wifi?", "parse_data": fallback}),
            ("v3", "user", {"text": "call me on 212 555 0199 please", "parse_data": fallback}),
            ("v4", "user", {"text": "i feel hopeless", "parse_data": {}}),
            ("v4", "bot", {"text": "Please call or text 988."}),
        ],
    )
    storage = get_storage(settings.database_url)
    reference = storage.save_booking(
        BookingRequest("Maria", "phone", "+12125550100", "mornings", "morning", True, "v9")
    )
    storage.flag_conversation("v4", "phrase")
    await login(client, "ed")

    page = await (await client.get("/inbox")).text()
    assert "2×" in page and "212 555 0199" not in page  # grouped, phone masked
    csrf = csrf_of(page)
    await client.post("/inbox", data={"csrf_token": csrf, "text": "do you have wifi",
                                      "action": "add", "topic": "location_contact"})  # fmt: skip
    assert "do you have wifi" in drafts.drafts(settings)["data/faq/location_contact.yml"]["content"]
    page = await (await client.get("/inbox")).text()
    assert "do you have wifi" not in page.lower()
    response = await client.post(
        "/inbox",
        data={"csrf_token": csrf, "text": "call me on [phone] please", "action": "new"},
        allow_redirects=False,
    )
    assert response.headers["Location"].startswith("/faqs/new?question=")

    page = await (await client.get("/callbacks")).text()
    assert reference in page and "Maria" in page
    csv_text = await (await client.get("/callbacks.csv?status=all")).text()
    assert csv_text.startswith("reference,") and reference in csv_text
    await client.post(f"/callbacks/{reference}/handled", data={"csrf_token": csrf})
    assert storage.list_bookings(status="new") == []

    page = await (await client.get("/flags")).text()
    flag_id = storage.list_flags()[0]["id"]
    assert f"/flags/{flag_id}" in page
    page = await (await client.get(f"/flags/{flag_id}")).text()
    assert "i feel hopeless" in page and "988" in page
    await client.post(f"/flags/{flag_id}/reviewed", data={"csrf_token": csrf})
    assert storage.list_flags()[0]["status"] == "reviewed"

    page = await (await client.get("/")).text()
    assert "<svg" in page and "Conversations per day" in page
    # An editor sees the settings but only an admin saves them.
    assert (await client.post("/settings", data={"csrf_token": csrf})).status == 403
    await login(client, "ada")
    page = await (await client.get("/settings")).text()
    values = {**drafts.clinic_values(settings), "phone": "12", "csrf_token": csrf_of(page)}
    response = await client.post("/settings", data=values)
    assert response.status == 422 and "at least 7 digits" in await response.text()


@pytest.mark.asyncio
async def test_a_publish_that_breaks_an_existing_topic_is_refused_on_the_page(settings, fleet):
    old = {"heldout:heldout": [(f"where is it {i}", "faq/location_contact", "faq/location_contact")
                               for i in range(10)]}  # fmt: skip
    new = {"heldout:heldout": [(t, e, "faq/wifi") for t, e, _ in old["heldout:heldout"][:3]]
           + old["heldout:heldout"][3:]}  # fmt: skip
    gate = fake_gate()
    gate.predict = lambda s, model: old if model.name == "clinic-running.tar.gz" else new
    drafts.save_faq(settings, "ed", "wifi", new_faq.ANSWER, new_faq.PHRASINGS, False, True)
    async with TestClient(TestServer(make_app(settings, gate=gate, fleet=fleet))) as client:
        await login(client, "ada")
        page = await (await client.get("/publish")).text()
        response = await client.post(
            "/publish/start", data={"csrf_token": csrf_of(page)}, allow_redirects=False
        )
        page = await wait_for_job(client, response.headers["Location"])
    assert "Not published. Nothing changed for visitors." in page
    assert "“where is it 0” now gets the answer of wifi instead of location_contact" in page
    assert fleet.loads == [] and not (settings.project_dir / "data/faq/wifi.yml").exists()
