"""The REST webhook (/webhooks/rest/webhook) with input checks and no silent failures."""

from __future__ import annotations

import logging
import time
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from clinic_core import metrics
from clinic_core.settings import Settings, load_settings
from clinic_rasa import patches
from clinic_rasa.channels import safety_net
from clinic_rasa.channels.limits import ChannelLimits, Refused
from clinic_rasa.channels.validation import InvalidRequest, parse_rest_body
from clinic_rasa.patches.resent_messages import REQUEST_ID_HEADER, message_id_from_request

logger = logging.getLogger(__name__)


class ClinicRestInput(RestInput):
    """Rasa's REST channel, but every request is checked and cleaned first.

    Bad requests get a 4xx with `{"error": "..."}`; empty or overlong messages get
    a bot reply without reaching Rasa; if handling fails the visitor is told so.
    """

    def __init__(self, limits: Optional[Settings] = None) -> None:
        self.limits = limits or load_settings()
        self.abuse = ChannelLimits.shared(self.limits)

    @classmethod
    def name(cls) -> Text:
        return "rest"  # keeps the URL /webhooks/rest/webhook

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        patches.install_all()
        safety_net.warm_up()
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("clinic_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[HTTPResponse, ResponseStream]:
            try:
                incoming = parse_rest_body(request.body or b"", self.limits)
            except InvalidRequest as error:
                metrics.MESSAGES.labels(channel="rest", outcome="invalid").inc()
                return response.json({"error": error.message}, status=error.status)
            if incoming.reply:
                metrics.MESSAGES.labels(channel="rest", outcome="invalid").inc()
                return response.json([{"recipient_id": incoming.sender_id, "text": incoming.reply}])
            try:
                await self.abuse.check(request.ip, incoming.sender_id)
            except Refused as refused:
                metrics.MESSAGES.labels(channel="rest", outcome="refused").inc()
                return response.json(
                    [{"recipient_id": incoming.sender_id, "text": refused.reply}],
                    status=429,
                    headers={"Retry-After": "10"},
                )
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(
                        on_new_message,
                        incoming.text,
                        incoming.sender_id,
                        self.name(),
                        incoming.metadata,
                    ),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            started = time.perf_counter()
            try:
                with self.abuse.handling(incoming.sender_id):
                    await on_new_message(
                        UserMessage(
                            incoming.text,
                            collector,
                            incoming.sender_id,
                            input_channel=self.name(),
                            metadata=incoming.metadata,
                            message_id=message_id_from_request(
                                request.headers.get(REQUEST_ID_HEADER)
                            ),
                        )
                    )
            except CancelledError:
                logger.error("Handling a message of %s timed out.", incoming.sender_id)
                metrics.MESSAGES.labels(channel="rest", outcome="error").inc()
                return response.json(safety_net.reply(incoming.sender_id, incoming.text))
            except Exception:  # noqa: BLE001 - the visitor must get an answer, not silence
                logger.exception("Handling a message of %s failed.", incoming.sender_id)
                metrics.MESSAGES.labels(channel="rest", outcome="error").inc()
                return response.json(safety_net.reply(incoming.sender_id, incoming.text))
            metrics.MESSAGES.labels(channel="rest", outcome="answered").inc()
            metrics.MESSAGE_LATENCY.labels(channel="rest").observe(time.perf_counter() - started)
            # No reply at all: no model is loaded, or nothing was predicted.
            return response.json(
                collector.messages or safety_net.reply(incoming.sender_id, incoming.text)
            )

        return webhook
