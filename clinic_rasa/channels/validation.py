"""Checks and normalisation of what a visitor sends, shared by the REST and socket.io channels.

Structural mistakes (not JSON, wrong types, missing or oversized sender id) are
`InvalidRequest`s that the REST channel answers with a 4xx and a clear JSON
message. A message that is well-formed but unusable (empty after cleaning, without
a single letter or digit, or over the length limit) gets a polite bot reply instead,
so the web chat shows it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Optional

from clinic_core.contract import BUTTON_INTENTS
from clinic_core.settings import Settings
from clinic_core.text import clean_message

MAX_METADATA_CHARS = 4096
EMPTY_MESSAGE_REPLY = "I didn't get any text there. What would you like to know?"
# A lone "?" or "!!!" carries no question, yet the classifier would still pick an FAQ for it.
NO_WORDS_REPLY = (
    "I read words best. What would you like to know? You can ask me about "
    "ketamine treatment or booking a consultation."
)


class InvalidRequest(ValueError):
    """The request cannot be a chat message; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message, self.status = message, status


@dataclass(frozen=True)
class Incoming:
    """A checked message: either `text` to hand to Rasa, or a `reply` to send back at once."""

    sender_id: str
    text: str
    reply: Optional[str]
    metadata: Optional[Dict[str, Any]]


def too_long_reply(limits: Settings) -> str:
    return (
        f"That message is too long for me; please keep it under "
        f"{limits.max_message_chars} characters."
    )


def max_body_bytes(limits: Settings) -> int:
    """Largest REST body worth parsing: the longest message fully \\u-escaped, plus room."""
    return limits.max_message_chars * 12 + 16_384


def check_sender(value: Any, limits: Settings) -> str:
    if value is None:
        raise InvalidRequest("'sender' is required: a conversation id string.")
    if not isinstance(value, str):
        raise InvalidRequest("'sender' must be a string.")
    if not value.strip():
        raise InvalidRequest("'sender' must not be empty.")
    if len(value) > limits.max_sender_id_chars:
        raise InvalidRequest(
            f"'sender' is too long: at most {limits.max_sender_id_chars} characters."
        )
    if clean_message(value) != value.strip() or value != value.strip():
        raise InvalidRequest("'sender' may contain only visible characters, no spaces at the ends.")
    return value


def check_metadata(value: Any) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise InvalidRequest("'metadata' must be a JSON object.") from None
    if not isinstance(value, dict):
        raise InvalidRequest("'metadata' must be a JSON object.")
    try:
        size = len(json.dumps(value, default=str))
    except (ValueError, RecursionError):
        raise InvalidRequest("'metadata' is nested too deeply.") from None
    if size > MAX_METADATA_CHARS:
        raise InvalidRequest(f"'metadata' is too large: at most {MAX_METADATA_CHARS} characters.")
    return value


def check_message(sender_id: str, text: Any, metadata: Any, limits: Settings) -> Incoming:
    """Validate and clean one message; raise InvalidRequest for wrong types."""
    if text is None:
        raise InvalidRequest("'message' is required: the text the visitor typed.")
    if not isinstance(text, str):
        raise InvalidRequest("'message' must be a string.")
    checked_metadata = check_metadata(metadata)
    if len(text) > limits.max_message_chars:
        return Incoming(sender_id, "", too_long_reply(limits), checked_metadata)
    cleaned = clean_message(text)
    if not cleaned:
        return Incoming(sender_id, "", EMPTY_MESSAGE_REPLY, checked_metadata)
    if not any(char.isalnum() for char in cleaned):
        return Incoming(sender_id, "", NO_WORDS_REPLY, checked_metadata)
    command_reply = slash_command_reply(cleaned)
    if command_reply:
        return Incoming(sender_id, "", command_reply, checked_metadata)
    text = neutralise_slash_command(cleaned)
    if not text:
        return Incoming(sender_id, "", NO_WORDS_REPLY, checked_metadata)
    return Incoming(sender_id, text, None, checked_metadata)


SLASH_COMMAND = re.compile(r"^/+[A-Za-z_][\w/-]*\s*(\{.*\}|@[\d.]+)?\s*$", re.S)
# The reply to a typed intent command ("/crisis", "/request_callback{...}"): Rasa would take it
# without NLU, so it could flag a conversation or fill the form's slots without the visitor's
# words. The crisis line is in it, in case someone in crisis typed it.
COMMAND_REPLY = (
    "I can't take commands, but I'm happy to answer questions about ketamine treatment or "
    "help you book a consultation. If you are in crisis, call or text 988 now, or call 911 "
    "in an emergency."
)


def slash_command_reply(text: str) -> Optional[str]:
    """The reply for a typed "/intent" command, or None when the message may go to Rasa.

    Only the quick-reply buttons' own payloads (BUTTON_INTENTS, without entities) pass."""
    if not SLASH_COMMAND.match(text):
        return None
    return None if text[1:] in BUTTON_INTENTS else COMMAND_REPLY


def neutralise_slash_command(text: str) -> str:
    """Text that starts with "/" but is no command ("/ what about cost?") goes to NLU
    without its slashes, so Rasa never reads it as an intent."""
    if not text.startswith("/") or text[1:] in BUTTON_INTENTS:
        return text
    return text.lstrip("/").strip()


def parse_rest_body(body: bytes, limits: Settings) -> Incoming:
    """The REST webhook's body, `{"sender": ..., "message": ..., "metadata": {...}}`, checked."""
    if len(body) > max_body_bytes(limits):
        raise InvalidRequest(too_long_reply(limits), status=413)
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deep
        raise InvalidRequest(
            'The request body must be JSON like {"sender": "visitor-1", "message": "hello"}.'
        ) from None
    if not isinstance(payload, dict):
        raise InvalidRequest('The request body must be a JSON object with "sender" and "message".')
    sender_id = check_sender(payload.get("sender"), limits)
    return check_message(sender_id, payload.get("message"), payload.get("metadata"), limits)
