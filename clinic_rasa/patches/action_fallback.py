"""When a custom action cannot run (action server down, timeout, error), say so politely.

Rasa 3.6 has no setting for this (RasaHQ/rasa#7630, #5588): `MessageProcessor._run_action`
logs the exception, drops the action's events and the visitor hears nothing. An
SDK-side try/except cannot help when the action server is unreachable, so the Rasa
server wraps `RemoteAction.run` (the one place every custom action, form validation
and `action_session_start` goes through) and turns a failure into events:

* `action_session_start`: Rasa's default session start plus the clinic slots read
  from clinic.yml here, so FAQ answers still show the phone number;
* `action_flag_crisis` (runs after the crisis resources were already sent): its
  follow-up response from the domain, the form stopped, no apology;
* `action_after_check_in`: the crisis response itself (a visitor answering the check-in
  must never be left without it), then the same follow-up;
* any other action: one polite message per turn with the clinic's phone number;
  an active form is stopped (its slots are kept) so the visitor isn't stuck in it.

`ActionExecutionRejection` is left alone: it is how forms hand over to other policies.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, List

from rasa.core.actions.action import (
    ActionExecutionRejection,
    ActionSessionStart,
    RemoteAction,
    create_bot_utterance,
)
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, REQUESTED_SLOT
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)

from clinic_core import wording
from clinic_core.contract import (
    AFTER_CHECK_IN_ACTION,
    CRISIS_FLAGGED_SLOT,
    CRISIS_FOLLOWUP_RESPONSE,
    CRISIS_RESPONSE,
    FLAG_CRISIS_ACTION,
)
from clinic_core.settings import ClinicSettingsError, load_clinic

logger = logging.getLogger(__name__)

FALLBACK_MARK = "clinic_action_unavailable"
_INSTALLED_MARK = "_clinic_action_fallback"


def unavailable_message() -> str:
    """What the visitor reads when something behind the bot is not working (domain.yml)."""
    return wording.render(
        "utter_action_unavailable",
        fallback="Sorry, I can't do that right now. Please call the clinic.",
    )


def _clinic_slot_events() -> List[Event]:
    try:
        return [SlotSet(name, value) for name, value in load_clinic().as_slots().items()]
    except ClinicSettingsError as error:
        logger.error("Clinic settings unreadable at session start: %s", error)
        return []


async def fallback_events(
    action_name: str, output_channel: Any, nlg: Any, tracker: Any, domain: Any
) -> List[Event]:
    """Events that stand in for a custom action that could not run."""
    events: List[Event] = []
    if action_name == ACTION_SESSION_START_NAME:
        events.append(SessionStarted())
        if domain.session_config.carry_over_slots:
            events.extend(ActionSessionStart._slot_set_events_from_tracker(tracker))
        return [*events, *_clinic_slot_events(), ActionExecuted(ACTION_LISTEN_NAME)]
    if action_name == AFTER_CHECK_IN_ACTION:  # the answer to the check-in: give the resources
        crisis = await nlg.generate(CRISIS_RESPONSE, tracker, output_channel.name())
        if crisis:
            events.append(create_bot_utterance(crisis))
    if action_name in (FLAG_CRISIS_ACTION, AFTER_CHECK_IN_ACTION):
        followup = await nlg.generate(CRISIS_FOLLOWUP_RESPONSE, tracker, output_channel.name())
        if followup:
            events.append(create_bot_utterance(followup))
        events.append(SlotSet(CRISIS_FLAGGED_SLOT, True))
    elif not _already_apologised(tracker):
        events.append(BotUttered(unavailable_message(), metadata={FALLBACK_MARK: True}))
    if tracker.active_loop_name:
        events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
    return events


def _already_apologised(tracker: Any) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.metadata or {}).get(FALLBACK_MARK):
            return True
    return False


def install() -> None:
    """Wrap RemoteAction.run once per process (idempotent); called by the input channels."""
    if getattr(RemoteAction.run, _INSTALLED_MARK, False):
        return
    original = RemoteAction.run

    @functools.wraps(original)
    async def run(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> List[Event]:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception as error:  # noqa: BLE001 - any failure must reach the visitor politely
            logger.error(
                "Custom action '%s' failed (%s: %s); answering without it.",
                self.name(),
                type(error).__name__,
                error,
            )
            return await fallback_events(self.name(), output_channel, nlg, tracker, domain)

    setattr(run, _INSTALLED_MARK, True)
    RemoteAction.run = run
