"""An event broker that only counts: Rasa publishes every saved event to it.

Rasa 3.6 hands each new tracker event to the configured event broker (endpoints.yml
`event_broker`), the supported extension point for watching conversations. This one
publishes nowhere; it feeds the Prometheus counters of clinic_core.metrics: intents,
fallbacks, clarifications, crisis referrals by detector, confirmed call-back requests and
custom actions that could not reach the action server.
"""

from __future__ import annotations

from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from clinic_core import metrics
from clinic_core.contract import CRISIS_INTENT, DETECTION_KEY

FALLBACK_ACTIONS = {"action_default_fallback", "utter_default"}
CLARIFICATION_ACTIONS = {"utter_ask_rephrase", "action_default_ask_affirmation"}


class MetricsEventBroker(EventBroker):
    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: Optional[AbstractEventLoop] = None
    ) -> "MetricsEventBroker":
        return cls()

    def publish(self, event: Dict[Text, Any]) -> None:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = ((parse.get("intent") or {}).get("name")) or "-"
            metrics.INTENTS.labels(intent=intent[:64]).inc()
            if intent == CRISIS_INTENT:
                layer = (parse.get(DETECTION_KEY) or {}).get("layer") or "model"
                metrics.CRISIS_REFERRALS.labels(grade=str(layer)[:32]).inc()
        elif kind == "action":
            name = event.get("name") or ""
            if name in FALLBACK_ACTIONS:
                metrics.FALLBACKS.inc()
            elif name in CLARIFICATION_ACTIONS:
                metrics.CLARIFICATIONS.inc()
        elif kind == "slot" and event.get("name") == "booking_reference" and event.get("value"):
            metrics.CALLBACK_REQUESTS.inc()
