"""The staff console in Debian's Chromium, walked as staff would, against a real stack.

One stack for the module: an action server, a Rasa server and the console (started by the same
service definition `make run` uses) on free ports, with a copy of the project's content so
publishing never touches the repository's data/faq. The one real publish in the test suite runs
here: a new FAQ built the way staff would (15 plain phrasings), an inbox message added as one of
its phrasings and an edited medical answer go through the real gate (FAQ check, Rasa validation,
training with config.yml, test conversations, crisis and held-out sets), then the bot answers with
the new texts over REST; rollback restores the previous answer and model. Roles, CSRF, lock-out,
axe-core and 360 px layouts are checked on every page. Screenshots: var/test-artifacts/console/
(UPDATE_README_SCREENSHOTS=1 copies them to docs/screenshots/).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from typing import Dict, Iterator

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import expect

from clinic_core.settings import PROJECT_ROOT, Settings
from clinic_staff import accounts
from ops import stack
from tests import new_faq
from tests.conftest import free_port, start_services
from tests.e2e.conftest import new_page
from tests.integration.console.support import PASSWORD, console_settings

TOKEN = "console-e2e-token"
AXE = PROJECT_ROOT / "tests" / "e2e" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts" / "console"
INBOX_QUESTION = "will there be internet i can use while i sit through the treatment"
NEW_SIDE_EFFECTS = (
    "Most side effects pass within an hour or two of the infusion: feeling detached, dizziness, "
    "nausea and a short rise in blood pressure. Staff watch you throughout. Questions? Call "
    "{clinic_phone}."
)
PUBLISH_TIMEOUT_S = 30 * 60  # training and the gate on a busy 2-core machine


@dataclass
class ConsoleStack:
    settings: Settings
    services: Dict[str, stack.Service]

    @property
    def url(self) -> str:
        return f"http://localhost:{self.settings.console_port}"

    def say(self, text: str, sender: str = "e2e-visitor") -> str:
        response = requests.post(
            f"http://localhost:{self.settings.rasa_port}/webhooks/rest/webhook",
            json={"sender": f"{sender}-{time.monotonic_ns()}", "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return " ".join(m.get("text", "") for m in response.json())


def seed_unanswered(settings: Settings, text: str) -> None:
    """A visitor message the assistant declined, as Rasa's tracker store records it."""
    engine = sa.create_engine(settings.tracker_store_url)
    events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    parse = {"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.3}}
    with engine.begin() as connection:
        connection.execute(
            events.insert().values(
                sender_id="seeded-visitor",
                type_name="user",
                timestamp=time.time(),
                intent_name="nlu_fallback",
                data=json.dumps({"event": "user", "text": text, "parse_data": parse}),
            )
        )
    engine.dispose()


@pytest.fixture(scope="module")
def console(tmp_path_factory, model_path) -> Iterator[ConsoleStack]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: `npm ci --ignore-scripts` in tests/e2e/axe.")
    tmp = tmp_path_factory.mktemp("console")
    settings = console_settings(
        tmp,
        {
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "CONSOLE_PORT": str(free_port()),
            "RASA_AUTH_TOKEN": TOKEN,
        },
    )
    settings.model_dir.mkdir(parents=True, exist_ok=True)
    running = settings.model_dir / model_path.name
    shutil.copyfile(model_path, running)
    services = {
        "actions": stack.action_service(settings),
        "rasa": stack.rasa_service(settings, running, TOKEN),
        "console": stack.console_service(settings, TOKEN),
    }
    start_services(list(services.values()), stack.service_environment(settings))
    stack.record_rasa_servers(settings, [f"http://localhost:{settings.rasa_port}"])
    for name, role in (("ed", "editor"), ("clara", "clinician"), ("ada", "admin")):
        accounts.create_user(settings, name, f"{name.title()} Example", role, PASSWORD, "e2e")
    accounts.create_user(settings, "locky", "Lock Test", "editor", PASSWORD, "e2e")
    seed_unanswered(settings, INBOX_QUESTION)
    try:
        yield ConsoleStack(settings, services)
    finally:
        for service in reversed(list(services.values())):
            service.stop()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("UPDATE_README_SCREENSHOTS"):
        docs = PROJECT_ROOT / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs / name)


def log_in(page, console: ConsoleStack, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{console.url}/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


@pytest.fixture
def page(browser):
    context, page, watch = new_page(browser)
    yield page
    # Refusals (401 wrong password, 403 wrong role, 422 check error) are the pages under test.
    errors = [e for e in watch.errors if not re.search(r"status of 4(01|03|22)", e)]
    assert not errors, errors
    assert not watch.third_party_requests(), watch.third_party_requests()
    context.close()


def test_requests_without_a_session_or_the_csrf_token_are_refused(console):
    session = requests.Session()
    response = session.get(f"{console.url}/faqs", allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")
    assert session.post(f"{console.url}/publish/start", data={}).status_code == 403
    login_page = session.get(f"{console.url}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
    data = {"username": "ada", "password": PASSWORD}
    assert session.post(f"{console.url}/login", data=data).status_code == 403  # no token
    response = session.post(
        f"{console.url}/login", data={**data, "csrf_token": token}, allow_redirects=False
    )
    assert response.status_code == 303
    assert session.post(f"{console.url}/publish/start", data={}).status_code == 403
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_five_wrong_passwords_lock_the_account(console, page):
    for attempt in range(5):
        log_in(page, console, "locky", f"wrong password {attempt}")
    expect(page.get_by_role("alert")).to_contain_text("locked")
    log_in(page, console, "locky")
    expect(page.get_by_role("alert")).to_contain_text("locked")
    screenshot(page, "console-login-locked.png")


def test_an_editor_fixes_a_check_error_adds_an_faq_and_works_the_inbox(console, page):
    log_in(page, console, "ed")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # An editor cannot manage users, approve or publish.
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    page.goto(f"{console.url}/users")
    expect(page.get_by_text("Only an admin can do this")).to_be_visible()

    page.goto(f"{console.url}/faqs")
    page.get_by_label("Search the questions and answers").fill("side effects")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=re.compile("side effects", re.I)).first.click()
    answer = page.get_by_label("Answer", exact=True)
    answer.fill(NEW_SIDE_EFFECTS.replace("{clinic_phone}", "{clinic_fone}"))
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".problem").first).to_contain_text("unknown placeholder {clinic_fone}")
    expect(page.get_by_label("Answer", exact=True)).to_have_attribute("aria-invalid", "true")
    screenshot(page, "console-faq-check-error.png")
    page.get_by_label("Answer", exact=True).fill(NEW_SIDE_EFFECTS)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved as a draft")
    expect(page.get_by_text("(212) 555-0100")).to_be_visible()  # the preview fills placeholders

    page.goto(f"{console.url}/faqs/new")
    page.get_by_label("Short name").fill(new_faq.TOPIC)
    page.get_by_label("This answer is medical information").uncheck()
    page.get_by_label("Answer", exact=True).fill(new_faq.ANSWER)
    page.get_by_label("Ways visitors ask it (one per line)").fill("\n".join(new_faq.PHRASINGS))
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved the new FAQ")
    screenshot(page, "console-faq-edit.png")

    page.goto(f"{console.url}/inbox")
    card = page.locator(".card", has_text=INBOX_QUESTION)
    card.get_by_label("FAQ").select_option(new_faq.TOPIC)
    screenshot(page, "console-inbox.png")
    card.get_by_role("button", name="Add as a phrasing").click()
    expect(page.get_by_role("status").first).to_contain_text("Added")
    expect(page.locator(".card", has_text=INBOX_QUESTION)).to_have_count(0)

    page.goto(f"{console.url}/publish")
    expect(page.get_by_text("Needs a clinician's approval")).to_be_visible()
    expect(page.get_by_role("button", name="Approve this answer")).to_have_count(0)
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)
    log_out(page)


def test_a_clinician_approves_the_medical_answer(console, page):
    log_in(page, console, "clara")
    page.goto(f"{console.url}/publish")
    screenshot(page, "console-publish-approval.png")
    page.get_by_role("button", name="Approve this answer").click()
    expect(page.get_by_text("Approved by clara")).to_be_visible()
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)


def test_an_admin_publishes_through_the_real_gate_and_the_bot_answers(console, page):
    old_side_effects = console.say("what are the side effects of ketamine")
    assert "Staff watch you throughout" not in old_side_effects
    log_in(page, console, "ada")
    page.goto(f"{console.url}/publish")
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    screenshot(page, "console-publish-progress.png")
    # The progress page reloads itself every 3 s until the result is there.
    result = page.locator("#job-result")
    expect(result).to_be_visible(timeout=PUBLISH_TIMEOUT_S * 1000)  # published or refused
    assert "published as version 2" in result.inner_text(), page.locator("body").inner_text()
    screenshot(page, "console-published.png")

    phone = "(212) 555-0100"
    assert console.say(INBOX_QUESTION) == new_faq.ANSWER.replace("{clinic_phone}", phone)
    assert new_faq.ANSWER_MARK in console.say(new_faq.UNSEEN_QUESTIONS[0])
    assert "Staff watch you throughout" in console.say("what are the side effects of ketamine")
    # The published files are what a restart serves; the gate's figures are kept.
    faq_file = console.settings.project_dir / "data" / "faq" / f"{new_faq.TOPIC}.yml"
    assert INBOX_QUESTION in faq_file.read_text()
    from clinic_staff.faq.publish import list_versions

    report = list_versions(console.settings)[0]["report"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "gate-report.txt").write_text(report + "\n")  # the figures the guide quotes
    assert "Crisis set:" in report and "Questions it was not trained on" in report
    page.goto(f"{console.url}/history")
    expect(
        page.get_by_role("cell", name=re.compile(f"new FAQ {new_faq.TOPIC}")).first
    ).to_be_visible()
    screenshot(page, "console-history.png")


def test_rollback_restores_the_previous_answer_and_model(console, page):
    log_in(page, console, "ada")
    page.goto(f"{console.url}/history")
    page.get_by_role("button", name="Roll back to version 1").click()
    expect(page.locator("#job-result")).to_contain_text("rolled back as version 3", timeout=300_000)
    assert "Staff watch you throughout" not in console.say("what are the side effects of ketamine")
    assert not (console.settings.project_dir / "data" / "faq" / f"{new_faq.TOPIC}.yml").exists()


PAGES = (
    "/",
    "/faqs",
    "/faqs/cost",
    "/faqs/new",
    "/inbox",
    "/publish",
    "/history",
    "/callbacks",
    "/flags",
    "/settings",
    "/users",
    "/account",
)


def test_every_page_passes_axe_and_fits_360_px(console, browser):
    failures = []
    for width in (1280, 360):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{console.url}/login")
        check_page(page, "/login", width, failures)
        log_in(page, console, "ada")
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
        for path in PAGES:
            page.goto(f"{console.url}{path}")
            check_page(page, path, width, failures)
        context.close()
    assert not failures, "\n".join(failures)


def check_page(page, path: str, width: int, failures: list) -> None:
    name = "home" if path == "/" else path.strip("/").replace("/", "-")
    screenshot(page, f"console-{name}-{width}.png")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    failures += [f"{path} at {width} px: {v}" for v in result]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        failures.append(f"{path} at {width} px is {overflow} px too wide")
