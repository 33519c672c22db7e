"""The website chat in a real browser against the real stack.

One stack for the module (about 1 minute to start); the server-restart test runs last because
it stops and starts the Rasa server (about 1 more minute).
"""

from __future__ import annotations

import re
import time

import requests
from playwright.sync_api import expect

from tests.conftest import start_services
from tests.e2e.conftest import BOT_TIMEOUT, TOKEN, Chat, new_page, save_screenshot

XSS = "<img src=x onerror=alert(1)>"


def user_turns(stack, session_id, expected, timeout_s=10.0):
    """What the tracker store has for the conversation (Rasa saves just after replying)."""
    deadline = time.monotonic() + timeout_s
    while True:
        tracker = requests.get(
            f"{stack.rasa_url}/conversations/{session_id}/tracker",
            params={"token": TOKEN},
            timeout=10,
        ).json()
        said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        if said == expected or time.monotonic() > deadline:
            return said
        time.sleep(0.2)


def test_page_is_served_with_a_strict_policy_and_the_safety_notices(web_stack, desktop):
    page, watch = desktop
    response = page.goto(web_stack.page_url)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert (
        f"connect-src 'self' {web_stack.rasa_url} ws://127.0.0.1:{web_stack.settings.rasa_port}"
        in policy
    )
    assert response.headers["x-content-type-options"] == "nosniff"

    chat = Chat(page)
    expect(page.get_by_text("In an emergency call 911 or 988.").first).to_be_visible()
    chat.open()
    expect(chat.panel.get_by_text("In an emergency call 911 or 988.")).to_be_visible()
    expect(
        chat.panel.get_by_text("Automated assistant: general information only, not medical advice.")
    ).to_be_visible()
    expect(chat.panel.get_by_role("link", name="911")).to_have_attribute("href", "tel:911")
    expect(chat.page.get_by_role("button", name="Close chat").first).to_be_visible()

    # Keyboard: Escape closes and gives focus back to the launcher; Enter opens again.
    page.keyboard.press("Escape")
    expect(chat.panel).to_be_hidden()
    expect(chat.launcher).to_be_focused()
    expect(chat.launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(chat.panel).to_be_visible()
    expect(chat.input).to_be_focused()
    # Visible focus: the focused control has an outline.
    assert (
        page.evaluate(
            "() => { const r = document.querySelector('#clinic-chat-widget').shadowRoot;"
            " return getComputedStyle(r.activeElement).outlineStyle; }"
        )
        == "solid"
    )

    assert watch.third_party_requests() == []
    assert watch.errors == []


def test_faq_question_gets_the_right_answer_with_a_typing_indicator(web_stack, desktop):
    page, watch = desktop
    page.goto(web_stack.page_url)
    chat = Chat(page)
    chat.open()
    page.evaluate("""() => {
        const typing = document.querySelector('#clinic-chat-widget').shadowRoot.querySelector('.kc-typing');
        window.__typingShown = false;
        new MutationObserver(() => { if (!typing.hidden) window.__typingShown = true; })
            .observe(typing, {attributes: true});
    }""")
    chat.say("how quickly does ketamine work?")
    expect(chat.user_bubbles().last).to_have_text("how quickly does ketamine work?")
    chat.bot_says("same day")
    assert page.evaluate("window.__typingShown") is True
    expect(page.locator(".kc-typing")).to_be_hidden()
    assert watch.third_party_requests() == []
    assert watch.errors == []


def test_quick_replies_links_and_reload_keep_the_conversation(web_stack, desktop):
    page, watch = desktop
    page.goto(web_stack.page_url)
    chat = Chat(page)
    chat.open()
    chat.say("I want to book a consultation")
    offer = chat.bot_says("consultation")

    book = offer.get_by_role("link", name=re.compile("Book online"))
    expect(book).to_have_attribute("href", re.compile(r"^https://"))
    expect(book).to_have_attribute("target", "_blank")
    expect(book).to_have_attribute("rel", "noopener noreferrer")
    # The call chip shows the number (a desktop without a phone app still tells the visitor).
    call = offer.get_by_role("link", name=re.compile(r"^Call \(\d{3}\) \d{3}-\d{4}$"))
    expect(call).to_have_attribute("href", re.compile(r"^tel:\+?\d{10,}$"))
    # The URL in the answer's text is a real link too, built from text nodes.
    expect(offer.locator(".kc-text a").first).to_have_attribute("href", re.compile(r"^https://"))

    offer.get_by_role("button", name="Request a call back").click()
    expect(chat.user_bubbles().last).to_have_text(
        "Request a call back"
    )  # the title, not the payload
    chat.bot_says("first name")
    # Answered quick replies are gone; links stay.
    expect(offer.get_by_role("button", name="Request a call back")).to_have_count(0)
    expect(book).to_be_visible()

    session_id = chat.session_id()
    page.reload()
    chat = Chat(page)
    expect(chat.panel).to_be_visible()  # it was open before the reload
    expect(page.get_by_text("Earlier in this conversation")).to_be_visible()
    expect(chat.user_bubbles()).to_have_text(
        ["I want to book a consultation", "Request a call back"]
    )
    expect(chat.log.locator(".kc-from-bot").filter(has_text="first name")).to_be_visible()
    assert chat.session_id() == session_id

    # ...and the conversation goes on where it was: the call-back form asks for a contact next.
    chat.say("Maria")
    chat.bot_says("phone number or email")
    expected = ["I want to book a consultation", "/request_callback", "Maria"]
    assert user_turns(web_stack, session_id, expected) == expected

    # A time outside the clinic's opening hours (clinic.yml) is corrected, not confirmed.
    chat.say("212 555 0147")
    chat.bot_says("good time to reach you")
    chat.say("after 5pm")
    correction = chat.bot_says("outside them")
    expect(correction).to_contain_text("Monday to Friday, 9 am to 5 pm")
    chat.say("weekday mornings")
    # The number is shown in one format throughout the form.
    chat.bot_says("contact you at (212) 555-0147")
    page.get_by_role("button", name="Yes, contact me").click()
    confirmation = chat.bot_says("call you at (212) 555-0147")
    expect(confirmation).to_contain_text("988")  # anything urgent: 988 / 911, not the office
    assert "+1212" not in chat.log.inner_text()
    assert watch.third_party_requests() == []
    assert watch.errors == []


def test_markup_in_messages_is_shown_as_text(web_stack, desktop):
    page, watch = desktop
    page.goto(web_stack.page_url)
    chat = Chat(page)
    chat.open()
    chat.say(XSS)
    expect(chat.user_bubbles().last).to_have_text(XSS)
    expect(page.locator(".kc-from-bot").nth(1)).to_be_visible(
        timeout=BOT_TIMEOUT
    )  # the bot answered

    page.reload()
    expect(Chat(page).user_bubbles().first).to_have_text(XSS)  # from the tracker store, still text
    assert page.locator("img").count() == 0
    assert (
        page.evaluate(
            "document.querySelector('#clinic-chat-widget').shadowRoot"
            ".querySelectorAll('img, script, iframe').length"
        )
        == 0
    )
    assert watch.dialogs == []
    assert watch.errors == []


def test_screenshots_at_desktop_and_phone_widths(web_stack, browser):
    for width, height, name in [
        (1280, 800, "webchat-desktop.png"),
        (360, 740, "webchat-360px.png"),
    ]:
        context, page, watch = new_page(browser, width, height)
        try:
            page.goto(web_stack.page_url)
            chat = Chat(page)
            chat.open()
            chat.say("how quickly does ketamine work?")
            chat.bot_says("same day")
            chat.say("I want to book a consultation")
            expect(page.get_by_role("button", name="Request a call back")).to_be_visible(
                timeout=BOT_TIMEOUT
            )
            panel = chat.panel.bounding_box()
            assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width
            # Nothing sticks out sideways at 360 px.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            save_screenshot(page, name)
            assert watch.third_party_requests() == []
            assert watch.errors == []
        finally:
            context.close()


def test_cors_and_history_endpoint_only_answer_configured_origins(web_stack):
    allowed = f"http://localhost:{web_stack.settings.web_port}"
    polling = f"{web_stack.rasa_url}/socket.io/?EIO=4&transport=polling"
    ok = requests.get(polling, headers={"Origin": allowed}, timeout=10)
    assert ok.headers.get("Access-Control-Allow-Origin") == allowed
    other = requests.get(polling, headers={"Origin": "https://elsewhere.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers

    history = f"http://localhost:{web_stack.settings.web_port}/api/history/{'a' * 32}"
    answer = requests.get(history, headers={"Origin": "https://elsewhere.example"}, timeout=10)
    assert answer.status_code == 200 and "Access-Control-Allow-Origin" not in answer.headers
    # Only widget conversation ids: other channels' conversations can't be read through it.
    assert requests.get(history.replace("a" * 32, "visitor-1"), timeout=10).status_code == 404
    assert "token" not in requests.get(web_stack.page_url, timeout=10).text.lower()


def test_server_restart_is_announced_and_offline_messages_are_sent_after(web_stack, desktop):
    page, watch = desktop
    page.goto(web_stack.page_url)
    chat = Chat(page)
    chat.open()
    chat.say("hello")
    chat.bot_says("the automated assistant of")  # the reply, not the welcome
    session_id = chat.session_id()

    rasa = web_stack.services["Rasa server"]
    rasa.stop()
    expect(chat.status).to_contain_text("not reachable", timeout=15_000)
    chat.say("how quickly does ketamine work?")
    queued = page.locator(".kc-from-user").last
    expect(queued).to_contain_text("Not sent yet")

    # Still queued after a reload while the server is down.
    page.reload()
    chat = Chat(page)
    expect(chat.panel).to_be_visible()
    expect(page.locator(".kc-from-user").last).to_contain_text("Not sent yet")
    expect(chat.status).to_contain_text("not reachable", timeout=15_000)
    save_screenshot(page, "webchat-offline.png")

    start_services([rasa], web_stack.env)
    chat.bot_says("same day")
    expect(page.locator(".kc-msg-status")).to_have_count(0)
    expect(chat.user_bubbles()).to_have_text(["hello", "how quickly does ketamine work?"])
    expected = ["hello", "how quickly does ketamine work?"]
    assert user_turns(web_stack, session_id, expected) == expected  # sent once, not lost
    assert watch.third_party_requests() == []
