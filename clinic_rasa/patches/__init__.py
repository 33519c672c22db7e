"""Every change this project makes to Rasa's internals, installed from one place and guarded.

Rasa 3.6 has no extension point for these, so they replace private methods:

- `RemoteAction.run` (action_fallback): a custom action that cannot run still answers politely;
- `RemoteAction._validate_action_result` (action_validation): the reply schema validator is
  built once instead of per reply (55 % of the server's time under load);
- `MessageProcessor._has_session_expired` (session_cap): a new session every
  MAX_SESSION_TURNS visitor messages, so the cost of a message stays bounded;
- `MessageProcessor.handle_message` (resent_messages): a message nginx resent after a server
  failed is answered from the turn already saved instead of being handled twice;
- the log-record factory (clinic_core.masking): personal data is masked in every log line.

`install_all()` first checks that the installed Rasa is the version these patches were written
and tested against, and that the patched methods still have the signatures they wrap; when
either differs it raises `RasaPatchError` with what to recheck, and the server does not start.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Dict, Tuple

SUPPORTED_RASA_VERSION = "3.6.21"

# (owner, attribute) -> the parameter names the patch relies on
_PATCHED_SIGNATURES: Dict[Tuple[str, str], Tuple[str, ...]] = {
    ("RemoteAction", "run"): ("self", "output_channel", "nlg", "tracker", "domain"),
    ("RemoteAction", "_validate_action_result"): ("self", "result"),
    ("MessageProcessor", "_has_session_expired"): ("self", "tracker"),
    ("MessageProcessor", "handle_message"): ("self", "message"),
}


class RasaPatchError(RuntimeError):
    """The installed Rasa is not the one the patches were written for."""


def _unwrapped(function: Callable[..., Any]) -> Callable[..., Any]:
    return inspect.unwrap(function)


def check_rasa(version: str, owners: Dict[str, Any]) -> None:
    """Raise RasaPatchError unless `version` and the patched signatures are the expected ones."""
    if version != SUPPORTED_RASA_VERSION:
        raise RasaPatchError(
            f"Rasa {version} is installed, but the patches in clinic_rasa/patches/ were written "
            f"for Rasa {SUPPORTED_RASA_VERSION}. Recheck each patch against the new Rasa source "
            f"(see that package's docstring), then update SUPPORTED_RASA_VERSION."
        )
    for (owner_name, attribute), expected in _PATCHED_SIGNATURES.items():
        method = getattr(owners[owner_name], attribute, None)
        if method is None:
            raise RasaPatchError(
                f"{owner_name}.{attribute} no longer exists in Rasa {version}; "
                "the patch that replaces it must be rewritten."
            )
        found = tuple(inspect.signature(_unwrapped(method)).parameters)
        if found != expected:
            raise RasaPatchError(
                f"{owner_name}.{attribute} now takes {found}, the patch expects {expected}; "
                "recheck clinic_rasa/patches/ against the installed Rasa."
            )


def install_all() -> None:
    """Check the Rasa version and signatures, then install every patch (idempotent)."""
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    from clinic_core import masking
    from clinic_rasa.patches import (
        action_fallback,
        action_validation,
        resent_messages,
        session_cap,
    )

    check_rasa(
        rasa.__version__, {"RemoteAction": RemoteAction, "MessageProcessor": MessageProcessor}
    )
    action_fallback.install()
    action_validation.install()
    session_cap.install()
    resent_messages.install()
    masking.install()
