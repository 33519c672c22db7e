"""A bounded cost per message: a session ends after MAX_SESSION_TURNS visitor messages.

Every turn, Rasa 3.6 loads the current session's events from the tracker store, replays
them and featurises them, so a message cost grows with the session's length (43 ms at the
start, 161 ms after 160 turns) and one long or hostile conversation slows everyone. Rasa
already reads only the events since the latest `session_started` (SQLTrackerStore), so
starting a new session every MAX_SESSION_TURNS messages bounds that cost. The new session
starts like any expired one: `action_session_start` carries the slots over
(`carry_over_slots_to_new_session: true`), so a booking reference, a crisis flag or the
clinic's details stay, and the visitor notices nothing. Never in the middle of a form.
The full history stays in the tracker store for staff (`?include_events=ALL`).

Replaces `MessageProcessor._has_session_expired` (a private method, guarded in
clinic_rasa/patches/__init__.py).
"""

from __future__ import annotations

from typing import Any, Callable

from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from clinic_core import metrics
from clinic_core.settings import load_settings

_INSTALLED_MARK = "_clinic_session_cap"


def turns_in_session(tracker: DialogueStateTracker) -> int:
    turns = 0
    for event in reversed(tracker.events):
        if isinstance(event, SessionStarted):
            break
        if isinstance(event, UserUttered):
            turns += 1
    return turns


def capped(original: Callable[..., bool], max_turns: int) -> Callable[..., bool]:
    def has_session_expired(self: MessageProcessor, tracker: DialogueStateTracker) -> bool:
        if original(self, tracker):
            return True
        if max_turns <= 0 or tracker.active_loop_name:
            return False
        if turns_in_session(tracker) >= max_turns:
            metrics.SESSIONS_RESTARTED.inc()
            return True
        return False

    setattr(has_session_expired, _INSTALLED_MARK, True)
    has_session_expired.__wrapped__ = original  # type: ignore[attr-defined]
    return has_session_expired


def install(max_turns: Any = None) -> None:
    """Replace MessageProcessor._has_session_expired (idempotent)."""
    if getattr(MessageProcessor._has_session_expired, _INSTALLED_MARK, False):
        return
    turns = load_settings().max_session_turns if max_turns is None else int(max_turns)
    MessageProcessor._has_session_expired = capped(MessageProcessor._has_session_expired, turns)
