"""A message that arrives twice is handled once: the second time its replies are sent again.

Behind nginx (`make scaleout`), a Rasa server can be killed after it saved a turn to the
tracker store but before its HTTP answer left; nginx then resends the POST to the next server
(`proxy_next_upstream ... non_idempotent`). Handled again, "could someone call me back
please" was read as the first name the saved turn had just asked for (CI, stop 23). nginx
gives every request one `X-Request-ID` that stays the same when it is resent; the REST channel
makes it the message's id (`message_id_from_request`), and this patch, running under the
conversation's lock, looks the id up in the conversation: when it is there, the replies that
followed it are sent again and nothing runs.

Only ids the channel marked (`RESENDABLE_PREFIX`) are looked up, so a message without the
header (one server, `make run`) costs no extra tracker read. Behind nginx every message carries
the header, so each costs one more read of the conversation before Rasa reads it again itself
(the processor has no hook between its read and its handling). Replaces
`MessageProcessor.handle_message` (guarded in clinic_rasa/patches/__init__.py).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Coroutine, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_core import metrics

logger = logging.getLogger(__name__)

RESENDABLE_PREFIX = "req-"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_INSTALLED_MARK = "_clinic_resent_messages"

Handler = Callable[[MessageProcessor, UserMessage], Coroutine[Any, Any, Optional[List[Dict]]]]


def message_id_from_request(request_id: Optional[str]) -> Optional[str]:
    """The message id for a request carrying `X-Request-ID`; None when absent or malformed."""
    if request_id and _REQUEST_ID.fullmatch(request_id):
        return RESENDABLE_PREFIX + request_id
    return None


def replies_already_given(
    tracker: DialogueStateTracker, message_id: str
) -> Optional[List[Dict[str, Any]]]:
    """The bot messages that followed the visitor message `message_id`; None if it is new."""
    replies: Optional[List[Dict[str, Any]]] = None
    for event in tracker.events:
        if isinstance(event, UserUttered):
            if replies is not None:
                break
            if event.message_id == message_id:
                replies = []
        elif replies is not None and isinstance(event, BotUttered):
            replies.append(event.message())  # what the processor sent (MessageProcessor)
    return replies


def answering_resent_once(original: Handler) -> Handler:
    async def handle_message(
        self: MessageProcessor, message: UserMessage
    ) -> Optional[List[Dict[str, Any]]]:
        if not (message.message_id or "").startswith(RESENDABLE_PREFIX):
            return await original(self, message)
        tracker = await self.tracker_store.retrieve(message.sender_id)
        replies = replies_already_given(tracker, message.message_id) if tracker else None
        if replies is None:
            return await original(self, message)
        logger.warning(
            "Message %s of %s was already handled (resent after a server failed); "
            "sending its %d replies again.",
            message.message_id,
            message.sender_id,
            len(replies),
        )
        metrics.MESSAGES_RESENT.inc()
        for reply in replies:
            await message.output_channel.send_response(message.sender_id, reply)
        if isinstance(message.output_channel, CollectingOutputChannel):
            return message.output_channel.messages
        return None

    setattr(handle_message, _INSTALLED_MARK, True)
    handle_message.__wrapped__ = original  # type: ignore[attr-defined]
    return handle_message


def install() -> None:
    """Replace MessageProcessor.handle_message (idempotent)."""
    if getattr(MessageProcessor.handle_message, _INSTALLED_MARK, False):
        return
    MessageProcessor.handle_message = answering_resent_once(MessageProcessor.handle_message)
