"""Hostile and malformed input over the REST webhook: clear 4xx or a safe reply, never a crash."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_rasa.channels.validation import EMPTY_MESSAGE_REPLY, NO_WORDS_REPLY

TOO_LONG = "too long for me; please keep it under 2000 characters"


def rss_bytes(pid: int) -> int:
    for line in open(f"/proc/{pid}/status", encoding="ascii"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def assert_reply(response: requests.Response) -> list:
    assert response.status_code == 200, response.text
    messages = response.json()
    assert isinstance(messages, list) and messages, "the visitor must get an answer"
    assert all(isinstance(m.get("text", ""), str) for m in messages)
    return messages


def assert_clear_error(response: requests.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert words in body["error"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    "text", ["", "   ", "\t\n  \r\n", "\u200b\u200b", "\u202e\u2066", "\x00\x07"]
)
def test_empty_or_invisible_message_gets_a_clear_reply(deployment, text):
    messages = assert_reply(deployment.post({"sender": "v-empty", "message": text}))
    assert messages[0]["text"] == EMPTY_MESSAGE_REPLY


@pytest.mark.parametrize("text", ["?", "!!!", "...", "?!?", "👍"])
def test_a_message_without_words_is_not_answered_with_a_random_faq(deployment, text):
    messages = assert_reply(deployment.post({"sender": "v-nowords", "message": text}))
    assert messages[0]["text"] == NO_WORDS_REPLY


def test_message_just_over_the_limit_gets_a_reply_and_does_not_reach_the_tracker(deployment):
    messages = assert_reply(deployment.post({"sender": "v-long", "message": "a" * 2001}))
    assert TOO_LONG in messages[0]["text"]
    assert not [e for e in deployment.tracker("v-long")["events"] if e["event"] == "user"]


def test_one_megabyte_message_is_refused_with_413(deployment):
    assert_clear_error(
        deployment.post({"sender": "v-huge", "message": "x" * 1_000_000}), 413, TOO_LONG
    )


def test_message_at_the_limit_is_answered(deployment):
    assert_reply(deployment.post({"sender": "v-limit", "message": "ketamine " * 222}))


@pytest.mark.parametrize(
    "body,words",
    [
        (b"not json at all", "must be JSON"),
        (b"", "must be JSON"),
        (b'{"sender": "a", "message": ', "must be JSON"),
        (b"\xff\xfe\x00garbage", "must be JSON"),
        (b"[1, 2, 3]", "JSON object"),
        (b'"hello"', "JSON object"),
        (b"null", "JSON object"),
    ],
)
def test_invalid_json_gets_400(deployment, body, words):
    response = requests.post(
        deployment.webhook, data=body, timeout=30, headers={"Content-Type": "application/json"}
    )
    assert_clear_error(response, 400, words)


@pytest.mark.parametrize(
    "payload,words",
    [
        ({"sender": "a", "message": 42}, "'message' must be a string"),
        ({"sender": "a", "message": ["hi"]}, "'message' must be a string"),
        ({"sender": "a", "message": {"text": "hi"}}, "'message' must be a string"),
        ({"sender": "a", "message": None}, "'message' is required"),
        ({"sender": "a"}, "'message' is required"),
        ({"sender": {"id": 1}, "message": "hi"}, "'sender' must be a string"),
        ({"sender": 7, "message": "hi"}, "'sender' must be a string"),
        ({"message": "hi"}, "'sender' is required"),
        ({"sender": "", "message": "hi"}, "'sender' must not be empty"),
        ({"sender": "s" * 129, "message": "hi"}, "at most 128 characters"),
        ({"sender": "a\x00b", "message": "hi"}, "visible characters"),
        ({"sender": "a", "message": "hi", "metadata": [1]}, "'metadata' must be a JSON object"),
        (
            {"sender": "a", "message": "hi", "metadata": {"k": "v" * 5000}},
            "'metadata' is too large",
        ),
    ],
)
def test_wrong_types_and_bad_senders_get_400(deployment, payload, words):
    assert_clear_error(deployment.post(payload), 400, words)


def test_sender_at_the_limit_is_accepted(deployment):
    assert_reply(deployment.post({"sender": "s" * 128, "message": "hello"}))


@pytest.mark.parametrize(
    "text",
    [
        "how quickly does ketamine work?\x00\x1b[31m",
        "how\u200b quickly\u200c does\u2060 ketamine work?",
        "\u202ekrow enimatek seod ylkciuq woh",
        "كيف يعمل الكيتامين؟ how quickly does ketamine work?",
        "😀🙂 how quickly does ketamine work? 👨‍👩‍👧",
        "<script>alert('x')</script> how quickly does ketamine work?",
        "'; DROP TABLE events; -- how quickly does ketamine work?",
        '" OR 1=1 --',
        '/faq{"broken json',
        "/nonexistent_intent",
        "{{clinic_phone}} {booking_url} %s %(x)s",
    ],
)
def test_odd_text_gets_a_safe_reply(deployment, text):
    assert_reply(deployment.post({"sender": "v-odd", "message": text}))


def test_control_and_invisible_characters_are_removed_before_rasa_sees_the_text(deployment):
    assert_reply(
        deployment.post(
            {"sender": "v-clean", "message": "how\u200b quickly\x00 does\u202e ketamine work?"}
        )
    )
    said = [e["text"] for e in deployment.tracker("v-clean")["events"] if e["event"] == "user"]
    assert said == ["how quickly does ketamine work?"]


def test_sql_looking_text_does_not_touch_the_tracker_store(deployment):
    deployment.say("v-sql", "hello")
    deployment.say("v-sql", "'; DELETE FROM events; --")
    said = [e["text"] for e in deployment.tracker("v-sql")["events"] if e["event"] == "user"]
    assert said == ["hello", "'; DELETE FROM events; --"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(
        alphabet=st.characters(whitelist_categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So")),
        max_size=60,
    ),
    st.sampled_from(["<b>hi</b>", "' OR 1=1 --", "/request_callback", "/faq", "\ud800"]),
    st.integers(min_value=1995, max_value=2105).map(lambda n: "a" * n),
)
payloads = st.one_of(
    st.fixed_dictionaries({"sender": st.text(min_size=1, max_size=40), "message": hostile_text}),
    st.fixed_dictionaries({"sender": json_values, "message": json_values}),
    json_values,
)


@settings(
    max_examples=220,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads)
def test_any_payload_gets_a_json_answer_below_500(deployment, payload):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")
    response = requests.post(
        deployment.webhook, data=body, timeout=60, headers={"Content-Type": "application/json"}
    )
    assert response.status_code < 500, response.text
    answer = response.json()
    if response.status_code == 200:
        assert isinstance(answer, list)
    else:
        assert response.status_code in (400, 413) and answer["error"]


def test_memory_stays_flat_under_a_hostile_batch(deployment):
    for _ in range(20):  # warm up caches first so growth means a leak
        deployment.post({"sender": "v-mem", "message": "how quickly does ketamine work?"})
    before = rss_bytes(deployment.rasa_pid())
    for i in range(30):
        deployment.post({"sender": f"v-mem-{i}", "message": "x" * 1_000_000})
        deployment.post({"sender": f"v-mem-{i}", "message": "\u200b" * 1999})
        deployment.post({"sender": f"v-mem-{i}", "message": f"<script>{i}</script> hello"})
    after = rss_bytes(deployment.rasa_pid())
    growth = (after - before) / before
    print(f"Rasa server RSS {before / 2**20:.0f} MiB -> {after / 2**20:.0f} MiB ({growth:+.1%})")
    assert growth < 0.10
    assert deployment.say("v-mem", "how quickly does ketamine work?")
