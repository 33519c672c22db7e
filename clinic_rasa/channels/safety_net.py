"""What the input channels answer when Rasa gave no answer: crisis help is never left out.

Rasa answers nothing when no model is loaded (a damaged model file, `DELETE /model`) and the
channels also step in when handling a message fails or times out. Then the message still goes
through the deterministic layers that need no Rasa model, the staff phrase list and the risk
model (clinic_core), and the visitor gets the crisis response when either fires, otherwise a
reply that names 988 and 911 next to the clinic's phone. The words are domain.yml responses.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Dict, List, Optional

from clinic_core import wording
from clinic_core.contract import CRISIS_IMMINENT_RESPONSE, CRISIS_RESPONSE
from clinic_core.phrases import PhraseMatcher, load_phrase_file
from clinic_core.settings import load_settings

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_unavailable"
UNAVAILABLE_FALLBACK = (
    "Sorry, I can't answer right now. If you are in crisis, call or text 988; in an emergency "
    "call 911."
)

_lock = threading.Lock()
_matcher: Optional[PhraseMatcher] = None


def _phrase_matcher() -> Optional[PhraseMatcher]:
    global _matcher
    with _lock:
        if _matcher is None:
            try:
                _matcher = load_phrase_file(load_settings().crisis_phrases_file)
            except Exception as error:  # noqa: BLE001 - the safety net itself must not fail
                logger.error("Safety net: crisis phrase list unreadable: %s", error)
                return None
        return _matcher


def grade(text: str) -> str:
    """imminent, risk, check_in or none, from the layers that need no Rasa model."""
    found = "none"
    try:
        from clinic_core.risk import get_risk_model

        found = get_risk_model().assess(text).grade
    except Exception as error:  # noqa: BLE001 - fall back to the phrase list alone
        logger.error("Safety net: risk model unavailable: %s", error)
    matcher = _phrase_matcher()
    if found == "none" and matcher is not None and matcher.find(text):
        found = "risk"
    return found


def warm_up() -> None:
    """Load the phrase list and the risk model in the background, before they are needed."""
    threading.Thread(target=grade, args=("hello",), name="safety-net-warm-up", daemon=True).start()


def reply(sender_id: str, text: str) -> List[Dict[str, Any]]:
    """The messages to send instead of Rasa's (none) for this visitor message."""
    level = grade(text)
    if level == "imminent":
        name = CRISIS_IMMINENT_RESPONSE
    elif level in ("risk", "check_in"):  # no dialogue to ask in: give the resources
        name = CRISIS_RESPONSE
    else:
        name = UNAVAILABLE_RESPONSE
    if level != "none":
        logger.warning("Safety net gave the crisis response (%s) without a Rasa model.", level)
    message = wording.render_message(name, fallback=UNAVAILABLE_FALLBACK)
    return [{"recipient_id": sender_id, **message}]
