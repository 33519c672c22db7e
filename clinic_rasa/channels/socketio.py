"""The socket.io channel (path /socket.io) with input checks and origin checks."""

from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from clinic_core import metrics
from clinic_core.settings import Settings, load_settings
from clinic_rasa import patches
from clinic_rasa.channels import safety_net
from clinic_rasa.channels.limits import ChannelLimits, Refused
from clinic_rasa.channels.validation import (
    InvalidRequest,
    check_message,
    check_sender,
)

logger = logging.getLogger(__name__)

NOT_TEXT_REPLY = "I can only read text messages. What would you like to know?"


class CountingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output that remembers whether anything was sent."""

    sent = 0

    async def _send_message(self, socket_id: Text, response: Any) -> None:
        self.sent += 1
        await super()._send_message(socket_id, response)

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        self.sent += 1
        await super().send_custom_json(recipient_id, json_message, **kwargs)


class ClinicSocketIOInput(SocketIOInput):
    """Rasa's socket.io channel, but each `user_uttered` payload is checked and cleaned first.

    Payloads without a usable session id are ignored (logged): there is nobody to
    answer. Anything else that isn't a usable message gets a clear bot reply.
    Connections are accepted only from CORS_ORIGINS (browsers don't apply CORS
    to WebSockets, so the server checks the Origin header itself).
    """

    def __init__(self, *args: Any, limits: Optional[Settings] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits or load_settings()
        self.abuse = ChannelLimits.shared(self.limits)
        self.client_ips: Dict[str, str] = {}  # socket id -> client IP, while connected

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        patches.install_all()
        safety_net.warm_up()
        return super().from_credentials(credentials)

    def allowed_origin(self, origin: Optional[str]) -> bool:
        origins = self.limits.cors_origin_list
        return "*" in origins or (origin or "").rstrip("/") in origins

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by SocketIOInput.blueprint
        namespace = self.namespace or "/"
        accept_connection = sio.handlers[namespace]["connect"]  # Rasa's (JWT check)

        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            # CORS response headers come from Rasa's --cors (sanic-cors); letting engineio
            # check origins too would send Access-Control-Allow-Origin twice, which browsers
            # reject. So the origin is checked here, for polling and WebSocket alike.
            origin = environ.get("HTTP_ORIGIN")
            if origin and not self.allowed_origin(origin):
                logger.warning("Refused a socket.io connection from origin %s", origin)
                return False
            request = environ.get("sanic.request")
            self.client_ips[sid] = str(getattr(request, "ip", "") or sid)
            return await accept_connection(sid, environ, auth)

        sio.on("connect", connect, namespace=self.namespace)
        forget_client = sio.handlers[namespace].get("disconnect")

        async def disconnect(sid: Text) -> None:
            self.client_ips.pop(sid, None)
            if forget_client:
                await forget_client(sid)

        sio.on("disconnect", disconnect, namespace=self.namespace)

        async def reply(room: str, text: str) -> None:
            await sio.emit(self.bot_message_evt, {"text": text}, room=room)

        async def reply_safely(room: str, text: str) -> None:
            """The safety net's messages, with buttons as Rasa's socket.io output sends them."""
            for message in safety_net.reply(room, text):
                payload: Dict[str, Any] = {"text": message["text"]}
                if message.get("buttons"):
                    payload["quick_replies"] = [
                        {"content_type": "text", **button} for button in message["buttons"]
                    ]
                await sio.emit(self.bot_message_evt, payload, room=room)

        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                logger.warning("Ignored a %s payload that is not an object.", self.user_message_evt)
                return
            try:
                sender_id = check_sender(
                    data.get("session_id") if self.session_persistence else sid, self.limits
                )
            except InvalidRequest as error:
                logger.warning("Ignored a message without a usable session id: %s", error.message)
                return
            try:
                incoming = check_message(
                    sender_id, data.get("message"), data.get(self.metadata_key), self.limits
                )
            except InvalidRequest as error:
                await reply(
                    sender_id, NOT_TEXT_REPLY if "'message'" in error.message else error.message
                )
                return
            if incoming.reply:
                metrics.MESSAGES.labels(channel="socketio", outcome="invalid").inc()
                await reply(sender_id, incoming.reply)
                return
            try:
                await self.abuse.check(self.client_ips.get(sid, sid), sender_id)
            except Refused as refused:
                metrics.MESSAGES.labels(channel="socketio", outcome="refused").inc()
                await reply(sender_id, refused.reply)
                return
            output_channel = CountingSocketIOOutput(sio, self.bot_message_evt)
            started = time.perf_counter()
            try:
                with self.abuse.handling(sender_id):
                    await on_new_message(
                        UserMessage(
                            incoming.text,
                            output_channel,
                            sender_id,
                            input_channel=self.name(),
                            metadata=incoming.metadata,
                        )
                    )
            except Exception:  # noqa: BLE001 - the visitor must get an answer, not silence
                logger.exception("Handling a socket.io message of %s failed.", sender_id)
                metrics.MESSAGES.labels(channel="socketio", outcome="error").inc()
                await reply_safely(sender_id, incoming.text)
                return
            metrics.MESSAGES.labels(channel="socketio", outcome="answered").inc()
            metrics.MESSAGE_LATENCY.labels(channel="socketio").observe(
                time.perf_counter() - started
            )
            if not output_channel.sent:  # no model loaded, or nothing was predicted
                await reply_safely(sender_id, incoming.text)

        sio.on(self.user_message_evt, handle_message, namespace=self.namespace)
        return socketio_webhook
