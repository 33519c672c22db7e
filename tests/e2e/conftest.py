"""The real stack (action server, Rasa server, web chat) and Debian's Chromium, for browser tests.

The stack starts once for the module on free ports with its own data directory, like
tests/integration/test_restart.py. Chromium is /usr/bin/chromium from Debian (ops/test.sh
installs it); Playwright only drives it, no browser is downloaded. Screenshots go to
var/test-artifacts/webchat/.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from clinic_core.settings import ABUSE_LIMITS_OFF, PROJECT_ROOT, Settings, load_settings
from ops import stack
from tests.conftest import free_port, start_services

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts" / "webchat"
TOKEN = "e2e-test-token"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}
BOT_TIMEOUT = 20_000


@dataclass
class WebStack:
    settings: Settings
    services: Dict[str, stack.Service]
    env: Dict[str, str]

    @property
    def page_url(self) -> str:
        return f"http://localhost:{self.settings.web_port}/"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"  # the address Rasa binds to


@pytest.fixture(scope="package")
def web_stack(tmp_path_factory, model_path) -> Iterator[WebStack]:
    if not (PROJECT_ROOT / "webchat" / "dist" / "widget.js").is_file():
        pytest.fail("The web chat is not built: run `make setup` (npm ci + build in webchat/).")
    web_port = free_port()
    settings = load_settings(
        {
            "CLINIC_DATA_DIR": str(tmp_path_factory.mktemp("webchat-stack")),
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(web_port),
            "CONSOLE_PORT": str(free_port()),
            "CORS_ORIGINS": f"http://localhost:{web_port}",
            "RASA_AUTH_TOKEN": TOKEN,
            **ABUSE_LIMITS_OFF,  # the browser tests reconnect and resend from one address
        }
    )
    env = stack.service_environment(settings)
    services = {s.name: s for s in stack.build_services(settings, model_path, TOKEN)}
    start_services(list(services.values()), env)
    try:
        yield WebStack(settings, services, env)
    finally:
        for service in reversed(list(services.values())):
            service.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator["object"]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (ops/test.sh does it).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageWatch:
    """What a page did that a visitor would not see: requests, console errors, dialogs."""

    requests: List[str] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    dialogs: List[str] = field(default_factory=list)

    def third_party_requests(self) -> List[str]:
        return [
            url
            for url in self.requests
            if not url.startswith("data:") and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


def new_page(browser, width: int = 1280, height: int = 800, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.set_default_timeout(20_000)
    page = context.new_page()
    watch = PageWatch()
    page.on("request", lambda request: watch.requests.append(request.url))
    page.on(
        "console", lambda message: message.type == "error" and watch.errors.append(message.text)
    )
    page.on("pageerror", lambda error: watch.errors.append(str(error)))

    def on_dialog(dialog):
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return context, page, watch


@pytest.fixture
def desktop(browser):
    context, page, watch = new_page(browser)
    yield page, watch
    context.close()


def save_screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    if os.environ.get("UPDATE_README_SCREENSHOTS"):
        docs = PROJECT_ROOT / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, docs / name)
    return path


class Chat:
    """The widget as a visitor uses it, found by role and accessible name."""

    def __init__(self, page):
        self.page = page
        self.launcher = page.get_by_role("button", name="Chat with us")
        self.panel = page.get_by_role("dialog")
        self.input = page.get_by_role("textbox", name="Your message")
        self.log = page.get_by_role("log", name="Conversation")
        self.status = page.locator(".kc-status")

    def open(self):
        self.launcher.click()
        expect(self.panel).to_be_visible()
        expect(self.input).to_be_focused()

    def say(self, text: str):
        self.input.fill(text)
        self.input.press("Enter")

    def bot_says(self, text: str):
        message = self.page.locator(".kc-from-bot").filter(has_text=text).last
        expect(message).to_be_visible(timeout=BOT_TIMEOUT)
        return message

    def user_bubbles(self):
        return self.page.locator(".kc-from-user .kc-text")

    def session_id(self) -> str:
        return self.page.evaluate("JSON.parse(localStorage.getItem('clinicChat.v1')).sessionId")
