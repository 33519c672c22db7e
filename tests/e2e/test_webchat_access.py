"""The web chat at every screen size and zoom level, with a keyboard, a screen reader's
checks (axe-core), a finger, two tabs and a slow phone link.

Uses the module's real stack (tests/e2e/conftest.py). axe-core is the npm package pinned in
webchat/package.json, injected from webchat/node_modules into the page.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from typing import Any, Dict, List

import pytest
import requests
from playwright.sync_api import expect

from clinic_core.settings import PROJECT_ROOT
from tests.e2e.conftest import BOT_TIMEOUT, Chat, new_page, save_screenshot

AXE = PROJECT_ROOT / "webchat" / "node_modules" / "axe-core" / "axe.min.js"
CRISIS = "I want to kill myself"
CRISIS_FOLLOWUP = "please use those numbers"
# The five sizes of the issue, plus 200 % zoom of 1280x800 and a phone with its keyboard open.
SIZES = [
    (360, 740),  # phone
    (740, 360),  # phone landscape
    (800, 360),  # phone landscape
    (1280, 800),  # desktop
    (320, 200),  # 400 % zoom of 1280x800
    (640, 400),  # 200 % zoom
    (360, 400),  # phone with the keyboard open
]

# How the panel is laid out, measured in the page (Runtime.evaluate is not subject to the CSP).
LAYOUT = """() => {
  const root = document.querySelector('#clinic-chat-widget').shadowRoot;
  const box = (el) => { const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; };
  const scroller = root.querySelector('.kc-scroll');
  const notice = root.querySelector('.kc-notice');
  const pinned = getComputedStyle(notice).position === 'sticky' ? notice.offsetHeight : 0;
  const close = root.querySelector('button[aria-label="Close chat"]');
  const c = close.getBoundingClientRect();
  const hit = root.elementFromPoint(c.left + c.width / 2, c.top + c.height / 2);
  // The first bot message since the visitor's last one, and its first line.
  const items = [...root.querySelectorAll('.kc-log > .kc-msg')];
  const lastUser = items.map((m) => m.classList.contains('kc-from-user')).lastIndexOf(true);
  const first = items.slice(lastUser + 1).find((m) => m.classList.contains('kc-from-bot'));
  const text = first && first.querySelector('.kc-text');
  return {
    viewport: {width: innerWidth, height: innerHeight},
    pageWidth: document.documentElement.scrollWidth,
    panel: box(root.querySelector('.kc-panel')),
    scroller: box(scroller),
    pinned,
    close: box(close),
    closeOnTop: hit === close || close.contains(hit),
    firstReply: text ? box(text) : null,
    firstReplyText: text ? text.textContent : null,
    lineHeight: text ? parseFloat(getComputedStyle(text).lineHeight) : 0,
  };
}"""


def layout(page) -> Dict:
    return page.evaluate(LAYOUT)


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_conversation_stays_readable_at_every_size_and_zoom(web_stack, browser, width, height):
    context, page, watch = new_page(browser, width, height)
    try:
        page.goto(web_stack.page_url)
        chat = Chat(page)
        chat.open()
        chat.say(CRISIS)
        chat.bot_says(CRISIS_FOLLOWUP)  # the second message of the crisis reply has arrived
        m = layout(page)

        # Nothing is cut off: the panel fits the viewport, no sideways scrolling.
        assert m["panel"]["top"] >= 0 and m["panel"]["bottom"] <= height + 0.5, m
        assert m["panel"]["left"] >= 0 and m["panel"]["right"] <= width + 0.5, m
        assert m["pageWidth"] <= width
        # The conversation keeps at least 40 % of the panel's height.
        message_area = m["scroller"]["height"] - m["pinned"]
        assert message_area >= 0.4 * m["panel"]["height"], m
        # The Close button is on screen, whole and not covered.
        close = m["close"]
        assert close["top"] >= 0 and close["bottom"] <= height and close["right"] <= width, m
        assert m["closeOnTop"], m
        # The reply is shown from its start: its first line is inside the visible message area.
        assert m["firstReplyText"].startswith("I'm really sorry"), m
        visible_top = m["scroller"]["top"] + m["pinned"]
        assert m["firstReply"]["top"] >= visible_top - 1, m
        assert m["firstReply"]["top"] + m["lineHeight"] <= m["scroller"]["bottom"] + 1, m

        save_screenshot(page, f"webchat-{width}x{height}.png")
        assert watch.third_party_requests() == []
        assert watch.errors == []
    finally:
        context.close()


def run_axe(page) -> List[Dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]],
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width,height", [(1280, 800), (360, 740)], ids=["desktop", "phone"])
def test_axe_finds_no_violations_with_the_chat_open(web_stack, browser, width, height):
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci` in webchat/ (make setup does it).")
    # axe sets inline styles while it measures, which the page's CSP would block (and log);
    # the CSP itself is checked by every other test of the widget.
    context, page, watch = new_page(browser, width, height, bypass_csp=True)
    try:
        page.goto(web_stack.page_url)
        assert run_axe(page) == []  # the page with the launcher
        chat = Chat(page)
        chat.open()
        chat.say("I want to book a consultation")  # an answer with links and quick replies
        expect(page.get_by_role("button", name="Request a call back")).to_be_visible(
            timeout=BOT_TIMEOUT
        )
        assert run_axe(page) == []  # any impact, minor included
        assert watch.errors == []
    finally:
        context.close()


def test_focus_stays_in_the_chat_after_a_quick_reply(web_stack, desktop):
    page, watch = desktop
    page.goto(web_stack.page_url)
    chat = Chat(page)
    chat.open()
    suggestion = page.get_by_role("button", name="What are the side effects?")
    suggestion.focus()
    page.keyboard.press("Enter")
    expect(suggestion).to_have_count(0)  # used suggestions go away...
    expect(chat.input).to_be_focused()  # ...and focus goes to the text box, not the page
    chat.bot_says("side effects")

    chat.say("I want to book a consultation")
    chip = page.get_by_role("button", name="Request a call back")
    expect(chip).to_be_visible(timeout=BOT_TIMEOUT)
    chip.focus()
    page.keyboard.press("Enter")
    expect(chip).to_have_count(0)
    expect(chat.input).to_be_focused()
    # Typing goes on where the visitor is, without reaching for the mouse.
    chat.bot_says("first name")
    page.keyboard.type("Maria")
    page.keyboard.press("Enter")
    chat.bot_says("phone number or email")
    assert watch.errors == []


def test_a_tap_opens_the_chat_without_raising_the_keyboard(web_stack, browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(web_stack.page_url)
        chat = Chat(page)
        chat.launcher.tap()
        expect(chat.panel).to_be_visible()
        # The dialog itself has focus (announced by its name); no text box, so no keyboard.
        expect(chat.panel).to_be_focused()
        expect(chat.input).not_to_be_focused()
        expect(page.get_by_text("Hello! I'm an automated assistant")).to_be_in_viewport()
        expect(page.get_by_role("button", name="What are the side effects?")).to_be_in_viewport()

        page.get_by_role("button", name="What are the side effects?").tap()
        chat.bot_says("side effects")
        expect(chat.input).not_to_be_focused()
        # Focus is still inside the chat (the message area), not dropped on the page.
        assert page.evaluate(
            "document.activeElement && document.activeElement.id === 'clinic-chat-widget'"
        )
        chat.input.tap()
        expect(chat.input).to_be_focused()  # the visitor decides when the keyboard comes up
    finally:
        context.close()


def test_two_tabs_show_the_same_conversation(web_stack, browser):
    context, first, watch = new_page(browser)
    second = context.new_page()
    try:
        first.goto(web_stack.page_url)
        one = Chat(first)
        one.open()
        second.goto(web_stack.page_url)
        two = Chat(second)
        two.open()
        assert one.session_id() == two.session_id()

        one.say("how quickly does ketamine work?")
        one.bot_says("same day")
        # The other tab shows the question too, before the answer.
        expect(two.user_bubbles()).to_have_text(["how quickly does ketamine work?"])
        two.bot_says("same day")
        order = second.evaluate(
            """() => [...document.querySelector('#clinic-chat-widget').shadowRoot
                 .querySelectorAll('.kc-log > .kc-msg')]
                 .map((m) => m.classList.contains('kc-from-user') ? 'user' : 'bot')"""
        )
        assert order == ["bot", "user", "bot"]  # welcome, question, answer

        # ...and the other way round.
        two.say("what are the side effects?")
        expect(one.user_bubbles()).to_have_text(
            ["how quickly does ketamine work?", "what are the side effects?"]
        )
        two.bot_says("side effects")
        one.bot_says("side effects")
        assert watch.errors == []
    finally:
        context.close()


def test_long_messages_get_a_counter_and_are_never_cut(web_stack, desktop):
    page, watch = desktop
    page.goto(web_stack.page_url)
    chat = Chat(page)
    chat.open()
    counter = page.locator("#kc-counter")

    chat.input.fill("a" * 700)
    expect(counter).to_be_hidden()  # far from the limit: no counter
    chat.input.fill("a" * 990)
    expect(counter).to_be_visible()
    expect(counter).to_have_text("10 of 1,000 characters left")
    expect(chat.input).to_have_attribute("aria-describedby", re.compile(r"\bkc-counter\b"))

    chat.input.fill("b" * 1005)
    expect(counter).to_have_text(
        "5 characters over the 1,000-character limit: please shorten your message."
    )
    expect(chat.input).to_have_attribute("aria-invalid", "true")
    chat.input.press("Enter")
    expect(chat.user_bubbles()).to_have_count(0)  # not sent...
    assert len(chat.input.input_value()) == 1005  # ...and not cut either

    chat.input.press("End")
    for _ in range(5):
        chat.input.press("Backspace")
    expect(counter).to_have_text("0 of 1,000 characters left")
    expect(chat.input).not_to_have_attribute("aria-invalid", "true")
    chat.input.press("Enter")
    expect(chat.user_bubbles()).to_have_text(["b" * 1000])
    expect(counter).to_be_hidden()
    assert watch.errors == []


def test_call_and_text_links_in_replies_are_real_links(web_stack, browser):
    """tel: and sms: buttons and links (crisis lines, the clinic's phone) are anchors, and a long
    reply is shown from its start on a phone with the keyboard open."""
    context, page, watch = new_page(browser, 360, 400)
    try:
        page.goto(web_stack.page_url)
        chat = Chat(page)
        chat.open()
        chat.say("hello")
        chat.bot_says("the automated assistant of")  # the reply, not the welcome
        # A reply as the Rasa socket.io channel sends it: text and quick_replies.
        reply = {
            "text": (
                "Please reach out now. " * 25
                + "Call or text [988](tel:988), text HOME to [741741](sms:741741?&body=HOME)."
            ),
            "quick_replies": [
                {"title": "Call 988", "payload": "tel:988"},
                {"title": "Text HOME to 741741", "payload": "sms:741741?&body=HOME"},
                {"title": "Call 911", "payload": "tel:911"},
                {"title": "Poison Control", "payload": "tel:1-800-222-1222"},
            ],
        }
        page.evaluate(
            "(reply) => { window.ClinicChat.widget.addUserMessage('help');"
            " window.ClinicChat.widget.onBotUttered(reply); }",
            reply,
        )
        message = chat.bot_says("Please reach out now.")
        for name, href in [
            ("Call 988", "tel:988"),
            ("Text HOME to 741741", "sms:741741?&body=HOME"),
            ("Call 911", "tel:911"),
            ("Poison Control", "tel:18002221222"),
            ("988", "tel:988"),
            ("741741", "sms:741741?&body=HOME"),
        ]:
            link = message.get_by_role("link", name=name, exact=True)
            expect(link).to_have_attribute("href", href)
            expect(link).not_to_have_attribute("target", "_blank")
        m = layout(page)
        assert m["firstReplyText"].startswith("Please reach out now.")
        assert m["scroller"]["top"] + m["pinned"] - 1 <= m["firstReply"]["top"]
        assert m["firstReply"]["top"] + m["lineHeight"] <= m["scroller"]["bottom"] + 1
        assert watch.errors == []
    finally:
        context.close()


# --------------------------------------------------------------------------- delivery

# Marks when the launcher is on screen and styled, in ms since the navigation started.
LAUNCHER_SHOWN = """(() => {
  const check = () => {
    const host = document.querySelector('#clinic-chat-widget');
    const button = host && host.shadowRoot && host.shadowRoot.querySelector('.kc-launcher');
    if (button) {
      const r = button.getBoundingClientRect();
      if (r.width > 0 && r.bottom <= innerHeight && getComputedStyle(button).position === 'fixed') {
        window.__launcherShownAt = performance.now();
        return;
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();"""
PHONE_LINK = {  # 400 kbps down and up, 400 ms round trip
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}


def launcher_time_on_slow_link(browser, url: str) -> float:
    """One first visit (empty cache) on the emulated link; ms until the launcher shows."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", PHONE_LINK)
        page.add_init_script(LAUNCHER_SHOWN)
        page.goto(url, wait_until="commit")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            shown = page.evaluate("window.__launcherShownAt")
            if shown is not None:
                expect(page.get_by_role("button", name="Chat with us")).to_be_visible()
                return float(shown)
            time.sleep(0.05)
        raise AssertionError("the launcher did not show within 30 s on the emulated link")
    finally:
        context.close()


def test_launcher_shows_within_1_5_s_on_a_slow_phone_link(web_stack, browser):
    launcher_time_on_slow_link(browser, web_stack.page_url)  # warm-up: Chromium's first page
    # The median of five first visits: one visit can be slowed by other work on the machine.
    times = [launcher_time_on_slow_link(browser, web_stack.page_url) for _ in range(5)]
    print(f"launcher shown after {[round(t) for t in times]} ms on 400 kbps / 400 ms")
    assert statistics.median(times) < 1500, times


def test_assets_are_hashed_compressed_cached_and_fetched_in_parallel(web_stack, browser):
    base = web_stack.page_url
    manifest = json.loads((PROJECT_ROOT / "webchat" / "dist" / "manifest.json").read_text())
    script, styles = manifest["script"], manifest["styles"]
    assert re.fullmatch(r"widget\.[A-Z0-9]{8,}\.js", script)
    assert re.fullmatch(r"widget\.[A-Z0-9]{8,}\.css", styles)

    for name in (script, styles):
        answer = requests.get(base + name, headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert answer.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in answer.headers["Vary"]
        br = requests.get(base + name, headers={"Accept-Encoding": "br, gzip"}, stream=True)
        assert br.headers["Content-Encoding"] == "br"
        br.close()
    plain = requests.get(base + script, headers={"Accept-Encoding": "identity"}, timeout=10)
    assert "Content-Encoding" not in plain.headers and plain.text.startswith(("(", '"use', "var"))
    # The gzipped size is what the build's budget measured.
    sized = requests.get(base + script, headers={"Accept-Encoding": "gzip"}, stream=True)
    assert int(sized.headers["Content-Length"]) == manifest["sizes"][script]["gzip"]
    sized.close()

    loader = requests.get(base + "widget.js", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert loader.headers["Cache-Control"] == "no-cache" and loader.headers.get("ETag")
    assert loader.headers["Content-Encoding"] == "gzip"
    again = requests.get(
        base + "widget.js",
        headers={"Accept-Encoding": "gzip", "If-None-Match": loader.headers["ETag"]},
        timeout=10,
    )
    assert again.status_code == 304  # revalidated, not downloaded again
    page_answer = requests.get(base, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert page_answer.headers["Cache-Control"] == "no-cache"
    assert page_answer.headers["Content-Encoding"] == "gzip"

    # In the browser: the stylesheet is requested together with the script, not after it ran.
    # The script's response is held back: its stylesheet must still be requested meanwhile (a
    # clock comparison of the two requests failed at 104 ms against 100 on a loaded machine).
    context, page, watch = new_page(browser)
    try:
        requested: List[str] = []
        held: List[Any] = []
        page.on("request", lambda r: requested.append(r.url.rsplit("/", 1)[-1]))
        page.route(f"**/{script}", lambda route: held.append(route))
        page.goto(base, wait_until="commit")
        for _ in range(100):  # up to 10 s for the loader to ask for both files
            if held and styles in requested:
                break
            page.wait_for_timeout(100)
        assert held and styles in requested, requested
        held[0].continue_()
        page.unroute(f"**/{script}")
        expect(page.get_by_role("button", name="Chat with us")).to_be_visible()
        page.wait_for_load_state("load")
        assert watch.errors == []
    finally:
        context.close()
