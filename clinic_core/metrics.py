"""Prometheus metrics of every service (prometheus-client), one registry per process.

Each service serves them on a restricted endpoint: the Rasa server at
`/webhooks/metrics/` (its API token), the action server at `/metrics` (the action server's
shared secret), the web chat server at `/metrics` (the Rasa API token). Each binds to
127.0.0.1 by default (BIND_HOST), so nothing outside the machine can scrape them.

Alerts worth having (docs/guides/hardening.md): `clinic_crisis_flag_write_failures_total`
increasing, `up == 0` for a service, `clinic_action_server_unreachable_total` increasing.
"""

from __future__ import annotations

from typing import Tuple

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

# Rasa server (channels and the event broker clinic_rasa.metrics_broker)
MESSAGES = Counter(
    "clinic_messages_total",
    "Visitor messages received by the chat channels, by outcome",
    ["channel", "outcome"],  # answered, refused (rate limit / queue), invalid, error
)
MESSAGE_LATENCY = Histogram(
    "clinic_message_latency_seconds",
    "Time from a visitor message to the bot's reply",
    ["channel"],
    buckets=LATENCY_BUCKETS,
)
RATE_LIMITED = Counter("clinic_rate_limited_total", "Requests refused by an abuse limit", ["limit"])
INTENTS = Counter("clinic_intents_total", "Visitor messages by predicted intent", ["intent"])
FALLBACKS = Counter("clinic_fallbacks_total", "Turns answered by the core fallback action")
CLARIFICATIONS = Counter(
    "clinic_clarifications_total", "Turns where the bot asked the visitor to rephrase"
)
CRISIS_REFERRALS = Counter(
    "clinic_crisis_referrals_total",
    "Crisis resources given, by the detector that fired (grade)",
    ["grade"],
)
CALLBACK_REQUESTS = Counter(
    "clinic_callback_requests_total", "Call-back requests confirmed to visitors"
)
ACTION_SERVER_UNREACHABLE = Counter(
    "clinic_action_server_unreachable_total", "Custom actions that could not reach the server"
)
SESSIONS_RESTARTED = Counter(
    "clinic_sessions_capped_total", "Sessions restarted because they reached MAX_SESSION_TURNS"
)
MESSAGES_RESENT = Counter(
    "clinic_messages_resent_total",
    "Messages received again after a server failed, answered from the saved turn",
)

# Action server
ACTION_REQUESTS = Counter(
    "clinic_action_requests_total",
    "Action server calls, by action and outcome",
    ["action", "outcome"],
)
ACTION_LATENCY = Histogram(
    "clinic_action_latency_seconds",
    "Time to run a custom action",
    ["action"],
    buckets=LATENCY_BUCKETS,
)
CRISIS_FLAGS = Counter("clinic_crisis_flags_total", "Crisis flags written to the clinic database")
CRISIS_FLAG_WRITE_FAILURES = Counter(
    "clinic_crisis_flag_write_failures_total",
    "Crisis flags that could not be written to the clinic database after every retry "
    "(kept in the conversation; ./staff flags shows them): alert on any increase",
)
BOOKINGS_SAVED = Counter("clinic_bookings_saved_total", "Call-back requests saved")
BOOKINGS_DEDUPLICATED = Counter(
    "clinic_bookings_deduplicated_total",
    "Repeated confirmations of an already saved call-back request (same idempotency key)",
)
BOOKING_WRITE_FAILURES = Counter(
    "clinic_booking_write_failures_total", "Call-back requests that could not be saved"
)

# Web chat server
WEB_REQUESTS = Counter("clinic_web_requests_total", "Web chat server requests", ["route", "status"])


def exposition() -> Tuple[bytes, str]:
    """The text format Prometheus scrapes, and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
