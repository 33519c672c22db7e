"""Build rasa_sdk trackers and domains for unit tests of custom actions."""

from typing import Any, Dict, List, Optional

import yaml
from rasa_sdk import Tracker

from clinic_core.settings import PROJECT_ROOT


def load_domain() -> Dict[str, Any]:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    text: str = "",
    intent: str = "",
    events: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
    response_selector: Optional[Dict[str, Any]] = None,
    sender_id: str = "visitor-1",
) -> Tracker:
    latest_message: Dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
    }
    if response_selector:
        latest_message["response_selector"] = response_selector
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest_message,
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def render(
    messages: List[Dict[str, Any]], slots: Optional[Dict[str, Any]] = None
) -> List[Dict[str, Any]]:
    """What the visitor sees: each dispatched message with its `response` filled in by
    Rasa's own response generator from domain.yml, the clinic slots and the passed values,
    the way the Rasa server does it (RemoteAction._utter_responses)."""
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    from clinic_core.settings import load_clinic

    generator = TemplatedNaturalLanguageGenerator(load_domain()["responses"])
    filled = {**load_clinic().as_slots(), **(slots or {})}
    shown = []
    for message in messages:
        message = dict(message)
        name = message.pop("response", None)
        values = {key: value for key, value in message.items() if value}
        if name:
            draft = generator.generate_from_slots(name, filled, "rest", **values)
            assert draft is not None, f"{name} is not a response in domain.yml"
            shown.append({**values, **draft, "response": name})
        else:
            shown.append(values)
    return shown
