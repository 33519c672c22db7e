"""The Rasa server's Prometheus endpoint: GET /webhooks/metrics/ (credentials.yml).

A channel is the one place Rasa 3.6 lets a project add a route. The scrape needs the
Rasa API token (`Authorization: Bearer <token>` or `?token=`), like the rest of the HTTP
API, and the server listens on 127.0.0.1 by default; anything else gets 401.
"""

from __future__ import annotations

import hmac
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from clinic_core import metrics


def token_given(request: Request) -> str:
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        return authorization[len("Bearer ") :]
    return str(request.args.get("token") or "")


class MetricsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "metrics"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("clinic_metrics", __name__)

        @blueprint.route("/", methods=["GET"])
        async def scrape(request: Request) -> HTTPResponse:
            expected = os.environ.get("RASA_AUTH_TOKEN", "")
            given = token_given(request)
            if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
                return response.json({"error": "unauthorized"}, status=401)
            body, content_type = metrics.exposition()
            return response.raw(body, content_type=content_type)

        return blueprint
