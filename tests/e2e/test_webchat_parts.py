"""The web chat's parts without a browser: the history endpoint's mapping, the page's policy,
and the widget's text and button handling (run in Node, as bundled into widget.js)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from clinic_core.settings import PROJECT_ROOT, parse_origins
from webchat.server import (
    HASHED_ASSET,
    accepted_encodings,
    content_security_policy,
    visible_messages,
)

OFFER = {
    "event": "bot",
    "text": "The first step is a consultation.\n\nYou can book online.",
    "data": {
        "buttons": [
            {"title": "Book online", "payload": "https://clinic.example.com/book"},
            {"title": "Request a call back", "payload": "/request_callback"},
        ]
    },
}


def test_history_shows_what_the_visitor_saw():
    events = [
        {"event": "session_started"},
        {"event": "user", "text": "I want to book"},
        {"event": "action", "name": "action_offer_booking"},
        OFFER,
        {"event": "user", "text": "/request_callback"},
        {"event": "bot", "text": "What's your first name?", "data": {}},
        {"event": "user", "text": "/request_callback"},  # typed, no button offered this turn
    ]
    assert visible_messages(events) == [
        {"sender": "user", "text": "I want to book"},
        {"sender": "bot", "text": "The first step is a consultation.", "buttons": []},
        {"sender": "bot", "text": "You can book online.", "buttons": OFFER["data"]["buttons"]},
        {"sender": "user", "text": "Request a call back"},  # the button's title, not its payload
        {"sender": "bot", "text": "What's your first name?", "buttons": []},
        {"sender": "user", "text": "/request_callback"},
    ]


def test_history_is_capped_to_the_latest_messages():
    events = [{"event": "user", "text": f"message {i}"} for i in range(300)]
    shown = visible_messages(events, limit=200)
    assert len(shown) == 200 and shown[-1]["text"] == "message 299"


def test_policy_allows_only_this_server_and_the_rasa_server():
    policy = content_security_policy("https://bot.clinic.example")
    assert "default-src 'none'" in policy
    assert "connect-src 'self' https://bot.clinic.example wss://bot.clinic.example" in policy
    assert "font-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert parse_origins("http://localhost:8080, https://clinic.example/") == [
        "http://localhost:8080",
        "https://clinic.example",
    ]


def test_compressed_copies_only_for_browsers_that_accept_them():
    assert accepted_encodings("gzip, deflate, br, zstd") == {"gzip", "deflate", "br", "zstd"}
    assert accepted_encodings("br;q=0, gzip;q=0.8") == {"gzip"}
    assert accepted_encodings("") == set()
    # Only the build's content-hashed files are cached for good; the loader is revalidated.
    assert HASHED_ASSET.match("widget.T4JKVT6M.js") and HASHED_ASSET.match("widget.SR74VWRN.css")
    assert not HASHED_ASSET.match("widget.js") and not HASHED_ASSET.match("demo.css")


CASES = """
import { splitLinks, classifyButton, botMessage } from "./webchat/src/content.js";
import { contrast, textColourFor, DEFAULTS } from "./webchat/src/config.js";
const out = {
  defaultContrast: contrast(DEFAULTS.primaryColor, textColourFor(DEFAULTS.primaryColor)),
  onLightColour: textColourFor("#ffd24d"),
  onDarkColour: textColourFor("#004d40"),
  sentence: splitLinks("Book at https://clinic.example.com/book-consultation, or call."),
  paren: splitLinks("(see https://example.org/a_(b)) and https://example.org/x."),
  schemes: splitLinks("javascript:alert(1) data:text/html,x www.example.org 988lifeline.org"),
  markup: splitLinks("<img src=x onerror=alert(1)>"),
  phones: splitLinks("Call [988](tel:988), text [HOME to 741741](sms:741741?&body=HOME), " +
    "Poison Control tel:1-800-222-1222. [x](javascript:alert(1)) [y](data:text/html,z)"),
  buttons: [
    {title: "Book online", payload: "https://clinic.example.com/book"},
    {title: "Request a call back", payload: "/request_callback"},
    {title: "Call us", payload: "tel:(212) 555-0100"},
    {title: "Text HOME to 741741", payload: "sms:741741?&body=HOME"},
    {title: "Text", payload: "sms:no-number"},
    {title: "Evil", payload: "javascript:alert(1)"},
    {title: "Yes", payload: "yes please"},
  ].map(classifyButton),
  image: botMessage({attachment: {type: "image", payload: {src: "javascript:alert(1)"}}}),
};
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is needed (make setup checks it)")
def test_widget_links_only_http_urls_and_classifies_buttons():
    result = subprocess.run(
        ["node", "--input-type=module", "-e", CASES],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    out = json.loads(result.stdout)
    assert out["sentence"] == [
        {"type": "text", "text": "Book at "},
        {
            "type": "link",
            "text": "https://clinic.example.com/book-consultation",
            "href": "https://clinic.example.com/book-consultation",
        },
        {"type": "text", "text": ", or call."},
    ]
    assert [p["href"] for p in out["paren"] if p["type"] == "link"] == [
        "https://example.org/a_(b)",
        "https://example.org/x",
    ]
    assert all(p["type"] == "text" for p in out["schemes"] + out["markup"])
    assert [(b["kind"], b.get("href") or b.get("payload")) for b in out["buttons"]] == [
        ("link", "https://clinic.example.com/book"),
        ("reply", "/request_callback"),
        ("tel", "tel:2125550100"),
        ("tel", "sms:741741?&body=HOME"),
        ("reply", "sms:no-number"),  # not a number: sent as text, never a link
        ("reply", "javascript:alert(1)"),  # sent as text, never a link
        ("reply", "yes please"),
    ]
    assert out["image"] == {"text": "", "buttons": []}
    # Crisis lines and the clinic's phone as tappable links; other schemes stay text.
    assert [(p["text"], p["href"]) for p in out["phones"] if p["type"] == "link"] == [
        ("988", "tel:988"),
        ("HOME to 741741", "sms:741741?&body=HOME"),
        ("tel:1-800-222-1222", "tel:18002221222"),
    ]
    assert "".join(p["text"] for p in out["phones"] if p["type"] == "text").endswith(
        ". [x](javascript:alert(1)) [y](data:text/html,z)"
    )
    # Readable contrast whatever colour a clinic sets: text on the brand colour is white or black.
    assert out["defaultContrast"] >= 4.5
    assert (out["onLightColour"], out["onDarkColour"]) == ("#111111", "#ffffff")
