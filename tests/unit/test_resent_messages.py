"""A message resent after a server failed is answered from the saved turn, not handled twice."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_rasa.patches.resent_messages import (
    answering_resent_once,
    message_id_from_request,
    replies_already_given,
)

BUTTONS = [{"title": "Request a call back", "payload": "/request_callback"}]


def conversation(sender: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered("hello", message_id="req-first000"),
            BotUttered("Hi! I'm an automated assistant."),
            ActionExecuted("action_listen"),
            UserUttered("could someone call me back please", message_id="req-second00"),
            BotUttered("What's your first name?", data={"buttons": BUTTONS}),
            BotUttered("Say cancel at any time."),
            ActionExecuted("action_listen"),
        ],
    )


class Handled:
    """The wrapped MessageProcessor.handle_message: records what it was asked to handle."""

    def __init__(self) -> None:
        self.messages: List[str] = []

    async def __call__(self, processor, message: UserMessage):
        self.messages.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "handled")
        return message.output_channel.messages


def send(message_id, text="could someone call me back please", sender="visitor-1"):
    store = InMemoryTrackerStore(Domain.empty())
    asyncio.run(store.save(conversation("visitor-1")))
    handled = Handled()
    processor = SimpleNamespace(tracker_store=store)
    message = UserMessage(text, CollectingOutputChannel(), sender, message_id=message_id)
    replies = asyncio.run(answering_resent_once(handled)(processor, message))
    return replies, handled.messages


def test_a_resent_message_gets_the_replies_it_got_the_first_time_and_is_not_handled_again():
    replies, handled = send("req-second00")

    assert handled == []
    assert [(r["text"], r.get("buttons")) for r in replies] == [
        ("What's your first name?", BUTTONS),
        ("Say cancel at any time.", None),
    ]


def test_a_new_message_id_is_handled():
    replies, handled = send("req-third000")
    assert handled == ["could someone call me back please"]
    assert [r["text"] for r in replies] == ["handled"]


def test_ids_rasa_made_up_are_not_looked_up_and_other_conversations_do_not_count():
    assert send(None)[1] == ["could someone call me back please"]
    assert send("second00")[1] == ["could someone call me back please"]
    assert send("req-second00", sender="visitor-2")[1] == ["could someone call me back please"]


def test_only_the_replies_up_to_the_next_visitor_message_are_given_back():
    tracker = conversation("visitor-1")
    assert [r["text"] for r in replies_already_given(tracker, "req-first000")] == [
        "Hi! I'm an automated assistant."
    ]
    assert replies_already_given(tracker, "req-unknown0") is None


def test_the_request_id_header_becomes_a_resendable_message_id_only_when_well_formed():
    assert message_id_from_request("0123456789abcdef0123456789abcdef") == (
        "req-0123456789abcdef0123456789abcdef"
    )
    for bad in (None, "", "short", "x" * 65, "id with spaces", "../../etc"):
        assert message_id_from_request(bad) is None
