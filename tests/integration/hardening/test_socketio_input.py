"""Hostile socket.io payloads (the web chat's channel): a clear reply or ignored, never a crash."""

from __future__ import annotations

import queue
from typing import Iterator, List

import pytest
import requests
import socketio

from clinic_rasa.channels.socketio import NOT_TEXT_REPLY
from clinic_rasa.channels.validation import EMPTY_MESSAGE_REPLY
from tests.servers import WEB_ORIGIN

SESSION = "sio-visitor-1"


class Chat:
    def __init__(self, url: str) -> None:
        self.replies: "queue.Queue[dict]" = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.replies.put)
        confirmed: "queue.Queue[str]" = queue.Queue()
        self.client.on("session_confirm", confirmed.put)
        self.client.connect(
            url, headers={"Origin": WEB_ORIGIN}, transports=["polling"], wait_timeout=10
        )
        self.client.emit("session_request", {"session_id": SESSION})
        assert confirmed.get(timeout=10) == SESSION

    def send(self, payload) -> None:
        self.client.emit("user_uttered", payload)

    def next_texts(self, timeout: float = 30) -> List[str]:
        texts = [self.replies.get(timeout=timeout).get("text", "")]
        try:
            while True:
                texts.append(self.replies.get(timeout=0.7).get("text", ""))
        except queue.Empty:
            return texts

    def nothing_within(self, seconds: float) -> bool:
        try:
            self.replies.get(timeout=seconds)
            return False
        except queue.Empty:
            return True


@pytest.fixture
def chat(deployment) -> Iterator[Chat]:
    connection = Chat(deployment.base)
    yield connection
    connection.client.disconnect()


@pytest.mark.parametrize("message", ["", "   ", "\u200b\x00"])
def test_empty_message_gets_a_clear_reply(chat, message):
    chat.send({"message": message, "session_id": SESSION})
    assert chat.next_texts() == [EMPTY_MESSAGE_REPLY]


def test_long_message_gets_the_length_limit(chat):
    chat.send({"message": "x" * 100_000, "session_id": SESSION})
    assert "keep it under 2000 characters" in chat.next_texts()[0]


def test_megabyte_packet_is_dropped_and_the_server_keeps_answering(chat, deployment):
    chat.send({"message": "x" * 1_100_000, "session_id": SESSION})  # over socket.io's 1 MB cap
    assert chat.nothing_within(2)
    again = Chat(deployment.base)
    again.send({"message": "how quickly does ketamine work?", "session_id": SESSION})
    assert "ketamine" in " ".join(again.next_texts()).lower()
    again.client.disconnect()


@pytest.mark.parametrize("message", [42, ["hi"], {"text": "hi"}, None])
def test_message_that_is_not_text_gets_a_clear_reply(chat, message):
    chat.send({"message": message, "session_id": SESSION})
    assert chat.next_texts() == [NOT_TEXT_REPLY]


@pytest.mark.parametrize(
    "payload",
    [
        "just a string",
        12,
        None,
        ["list"],
        {"message": "hello"},  # no session id: nobody to answer
        {"message": "hello", "session_id": {"nested": True}},
        {"message": "hello", "session_id": "s" * 500},
    ],
)
def test_garbage_payloads_are_ignored_and_the_server_keeps_answering(chat, payload):
    chat.send(payload)
    assert chat.nothing_within(1)
    chat.send({"message": "how quickly does ketamine work?", "session_id": SESSION})
    assert "ketamine" in " ".join(chat.next_texts()).lower()


def test_cleaned_text_reaches_rasa(chat, deployment):
    chat.send({"message": "how\u200b quickly\x00 does ketamine\u202e work?", "session_id": SESSION})
    chat.next_texts()
    said = [e["text"] for e in deployment.tracker(SESSION)["events"] if e["event"] == "user"]
    assert said[-1] == "how quickly does ketamine work?"


def test_socketio_refuses_a_disallowed_origin(deployment):
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            deployment.base,
            headers={"Origin": "http://evil.example"},
            transports=["polling"],
            wait_timeout=5,
        )
    handshake = requests.get(
        f"{deployment.base}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": "http://evil.example"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in handshake.headers


def test_socketio_allows_the_configured_origin_exactly_once(deployment):
    handshake = requests.get(
        f"{deployment.base}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": WEB_ORIGIN},
        timeout=10,
    )
    assert handshake.status_code == 200
    assert handshake.raw.headers.getlist("Access-Control-Allow-Origin") == [WEB_ORIGIN]


def test_rest_cors_answers_only_the_configured_origin(deployment):
    def preflight(origin: str) -> requests.Response:
        return requests.options(
            deployment.webhook,
            timeout=10,
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        )

    assert preflight(WEB_ORIGIN).headers.get("Access-Control-Allow-Origin") == WEB_ORIGIN
    assert "Access-Control-Allow-Origin" not in preflight("http://evil.example").headers
