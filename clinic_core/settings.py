"""Every setting of the assistant, read in one place.

Deployment settings come from environment variables with defaults that work
on a single machine; the clinic's own details (phone, booking page, hours...)
come from the staff-owned `clinic.yml`, whose path is itself a setting.
Nothing here runs at import time: call `load_settings()` / `load_clinic()`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, List, Mapping, Optional

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class Settings:
    """Deployment settings: where things run and where data is kept."""

    environment: str
    clinic_file: Path
    database_url: str
    tracker_store_url: str
    lock_store_type: str
    lock_store_host: str
    lock_store_port: int
    lock_lifetime_s: int
    rasa_port: int
    action_port: int
    web_port: int
    action_endpoint_url: str
    auth_token: Optional[str]
    cors_origins: str
    model_dir: Path
    run_dir: Path
    crisis_phrases_file: Path = PROJECT_ROOT / "safety" / "crisis_phrases.yml"
    webchat_server_url: Optional[str] = None  # the Rasa server as browsers reach it
    bind_host: str = "127.0.0.1"
    max_message_chars: int = 2000
    max_sender_id_chars: int = 128
    retention_days: int = 90
    deploy_accuracy_margin: float = 2.0  # held-out accuracy points a new model may lose
    # The shared secret Rasa sends to the action server (header ACTION_TOKEN_HEADER).
    action_server_token: Optional[str] = None
    # Abuse limits of the chat channels (per client IP and per conversation).
    messages_per_ip_per_minute: int = 60
    messages_per_conversation_per_minute: int = 20
    new_conversations_per_ip_per_hour: int = 30
    max_queued_per_conversation: int = 3
    max_connections_per_ip: int = 20  # nginx limit_conn (scale-out / production)
    # Visitor messages in one session before Rasa starts a new one (slots carried over).
    max_session_turns: int = 10
    # One-message conversations are deleted after this many days (`./staff purge`).
    anonymous_retention_days: int = 7
    console_port: int = 8081  # the staff console (clinic_staff/console)
    # Where the published FAQ files (data/faq) and the training config live; the console and
    # `./staff publish` write published content here, drafts stay in the clinic database.
    project_dir: Path = PROJECT_ROOT
    # Held-out questions (in percentage points) that may go from right to wrong for reasons the
    # change cannot explain (retraining noise) before a publish is refused: docs/guides/staff-guide.md.
    publish_noise_margin: float = 3.0
    # A secure-only session cookie: set when the console is served behind HTTPS.
    console_secure_cookie: bool = False

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def cors_origin_list(self) -> List[str]:
        """CORS_ORIGINS as a list: comma- or space-separated origins, or '*'."""
        return parse_origins(self.cors_origins)


ACTION_TOKEN_HEADER = "X-Clinic-Action-Token"
# One server's lock store: Rasa's in_memory, fixed (clinic_rasa/lock_store.py).
IN_MEMORY_LOCK_STORE = "clinic_rasa.lock_store.InMemoryQueueLockStore"


# For test harnesses and benchmarks that drive many conversations from one address: every
# abuse limit off (0). Never for a deployment visitors can reach.
ABUSE_LIMITS_OFF = {
    "RATE_LIMIT_IP_PER_MINUTE": "0",
    "RATE_LIMIT_CONVERSATION_PER_MINUTE": "0",
    "NEW_CONVERSATIONS_PER_IP_PER_HOUR": "0",
    "MAX_QUEUED_PER_CONVERSATION": "0",
}


def parse_origins(value: str) -> List[str]:
    """Comma- or space-separated origins (or '*') as a list, without trailing slashes."""
    return [origin.rstrip("/") for origin in re.split(r"[\s,]+", value or "") if origin]


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    """Read settings from `env` (default: the process environment)."""
    env = os.environ if env is None else env
    var_dir = Path(env.get("CLINIC_DATA_DIR", PROJECT_ROOT / "var"))
    action_port = int(env.get("ACTION_PORT", "5055"))
    web_port = int(env.get("WEB_PORT", "8080"))
    return Settings(
        environment=env.get("CLINIC_ENV", "development"),
        clinic_file=Path(env.get("CLINIC_SETTINGS_FILE", PROJECT_ROOT / "clinic.yml")),
        database_url=env.get("CLINIC_DB_URL", _sqlite_url(var_dir / "clinic.db")),
        tracker_store_url=env.get("TRACKER_STORE_URL", _sqlite_url(var_dir / "conversations.db")),
        lock_store_type=env.get("LOCK_STORE_TYPE", IN_MEMORY_LOCK_STORE),
        lock_store_host=env.get("LOCK_STORE_HOST", "localhost"),
        lock_store_port=int(env.get("LOCK_STORE_PORT", "6379")),
        # Rasa's own variable. A Rasa server that crashes while handling a message leaves
        # its lock on that conversation in Redis until this expires; one message takes
        # well under a second, so 20 s (Rasa's default is 60) is ample and heals faster.
        lock_lifetime_s=int(env.get("TICKET_LOCK_LIFETIME", "20")),
        rasa_port=int(env.get("RASA_PORT", "5005")),
        action_port=action_port,
        web_port=web_port,
        action_endpoint_url=env.get(
            "ACTION_ENDPOINT_URL", f"http://127.0.0.1:{action_port}/webhook"
        ),
        auth_token=env.get("RASA_AUTH_TOKEN") or None,
        cors_origins=env.get("CORS_ORIGINS", f"http://localhost:{web_port}"),
        model_dir=Path(env.get("MODEL_DIR", PROJECT_ROOT / "models")),
        run_dir=var_dir,
        crisis_phrases_file=Path(
            env.get("CRISIS_PHRASES_FILE", PROJECT_ROOT / "safety" / "crisis_phrases.yml")
        ),
        webchat_server_url=env.get("WEBCHAT_SERVER_URL") or None,
        bind_host=env.get("BIND_HOST", "127.0.0.1"),
        max_message_chars=int(env.get("MAX_MESSAGE_CHARS", "2000")),
        max_sender_id_chars=int(env.get("MAX_SENDER_ID_CHARS", "128")),
        retention_days=int(env.get("RETENTION_DAYS", "90")),
        deploy_accuracy_margin=float(env.get("DEPLOY_ACCURACY_MARGIN", "2")),
        action_server_token=env.get("ACTION_SERVER_TOKEN") or None,
        messages_per_ip_per_minute=int(env.get("RATE_LIMIT_IP_PER_MINUTE", "60")),
        messages_per_conversation_per_minute=int(
            env.get("RATE_LIMIT_CONVERSATION_PER_MINUTE", "20")
        ),
        new_conversations_per_ip_per_hour=int(env.get("NEW_CONVERSATIONS_PER_IP_PER_HOUR", "30")),
        max_queued_per_conversation=int(env.get("MAX_QUEUED_PER_CONVERSATION", "3")),
        max_connections_per_ip=int(env.get("MAX_CONNECTIONS_PER_IP", "20")),
        max_session_turns=int(env.get("MAX_SESSION_TURNS", "10")),
        anonymous_retention_days=int(env.get("ANONYMOUS_RETENTION_DAYS", "7")),
        console_port=int(env.get("CONSOLE_PORT", "8081")),
        project_dir=Path(env.get("CLINIC_PROJECT_DIR", PROJECT_ROOT)),
        publish_noise_margin=float(env.get("PUBLISH_NOISE_MARGIN", "3")),
        console_secure_cookie=env.get("CONSOLE_SECURE_COOKIE", "").lower() in ("1", "true", "yes"),
    )


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class OpeningHours:
    """When staff answer the phone, in the clinic's time zone: the structured twin of `hours`."""

    days: FrozenSet[int]  # 0 = Monday ... 6 = Sunday
    opens: int  # minutes after midnight
    closes: int

    def is_open(self, day: int, minute: int) -> bool:
        return day in self.days and self.opens <= minute < self.closes


@dataclass(frozen=True)
class ClinicInfo:
    """The practice's public details, as staff keep them in `clinic.yml`."""

    clinic_name: str
    doctor_name: str
    phone: str
    email: str
    booking_url: str
    hours: str
    time_zone: str
    address: str
    # Optional: without it the call-back form takes any preferred time.
    opening_hours: Optional[OpeningHours] = None
    # Practice policies quoted in FAQ answers as {field_name} (payment_options, parking_info...):
    # every other text field of clinic.yml, so staff add one without a code change.
    policies: Mapping[str, str] = field(default_factory=dict)

    def as_slots(self) -> dict:
        """Slot values that responses interpolate, e.g. `{clinic_phone}`."""
        return {
            "clinic_name": self.clinic_name,
            "doctor_name": self.doctor_name,
            "clinic_phone": self.phone,
            "clinic_phone_dial": "".join(ch for ch in self.phone if ch.isdigit() or ch == "+"),
            "clinic_email": self.email,
            "booking_url": self.booking_url,
            "clinic_hours": self.hours,
            "clinic_address": self.address,
            **self.policies,
        }


REQUIRED_CLINIC_FIELDS = (
    "clinic_name",
    "doctor_name",
    "phone",
    "email",
    "booking_url",
    "hours",
    "time_zone",
    "address",
)


def clinic_info_from(raw: Mapping[str, Any]) -> "ClinicInfo":
    """ClinicInfo from clinic.yml's values without checking them (previews and checks use it)."""

    def text(name: str) -> str:
        return str(raw.get(name) or "").strip()

    return ClinicInfo(
        clinic_name=text("clinic_name"),
        doctor_name=text("doctor_name"),
        phone=text("phone"),
        email=text("email"),
        booking_url=text("booking_url"),
        hours=text("hours"),
        time_zone=text("time_zone"),
        address=text("address"),
        policies={
            str(name): " ".join(str(value).split())
            for name, value in raw.items()
            if name not in REQUIRED_CLINIC_FIELDS and isinstance(value, (str, int, float))
        },
    )


class ClinicSettingsError(ValueError):
    """clinic.yml is missing, unreadable or incomplete."""


@lru_cache(maxsize=4)
def _read_clinic(path: Path, mtime: float) -> ClinicInfo:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ClinicSettingsError(f"Cannot read clinic settings {path}: {error}") from error
    fields = REQUIRED_CLINIC_FIELDS
    missing = [name for name in fields if not str(raw.get(name) or "").strip()]
    if missing:
        raise ClinicSettingsError(
            f"{path}: these clinic settings are missing or empty: {', '.join(missing)}"
        )
    if not str(raw["booking_url"]).startswith("https://"):
        raise ClinicSettingsError(f"{path}: booking_url must start with https://")
    policies = {
        str(name): " ".join(str(value).split())
        for name, value in raw.items()
        if name not in fields and isinstance(value, (str, int, float))
    }
    hours = raw.get("opening_hours")
    return ClinicInfo(
        **{name: str(raw[name]).strip() for name in fields},
        opening_hours=_opening_hours(path, hours) if hours is not None else None,
        policies=policies,
    )


def _clock(path: Path, key: str, value: Any) -> int:
    match = _CLOCK.match(str(value).strip())
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise ClinicSettingsError(
            f'{path}: opening_hours.{key} must be a 24-hour time like "09:00", not {value!r}'
        )
    return int(match.group(1)) * 60 + int(match.group(2))


def _opening_hours(path: Path, raw: Any) -> OpeningHours:
    if not isinstance(raw, dict):
        raise ClinicSettingsError(f"{path}: opening_hours must have days, opens and closes")
    days = raw.get("days")
    if not isinstance(days, list) or not days:
        raise ClinicSettingsError(
            f"{path}: opening_hours.days must list days, e.g. [monday, friday]"
        )
    unknown = [d for d in days if str(d).strip().lower() not in WEEKDAYS]
    if unknown:
        raise ClinicSettingsError(f"{path}: opening_hours.days has unknown days: {unknown}")
    opens = _clock(path, "opens", raw.get("opens"))
    closes = _clock(path, "closes", raw.get("closes"))
    if closes <= opens:
        raise ClinicSettingsError(f"{path}: opening_hours.closes must be later than opens")
    return OpeningHours(
        days=frozenset(WEEKDAYS.index(str(d).strip().lower()) for d in days),
        opens=opens,
        closes=closes,
    )


def load_clinic(settings: Optional[Settings] = None) -> ClinicInfo:
    """The clinic's details; re-read when `clinic.yml` changes on disk."""
    path = (settings or load_settings()).clinic_file
    try:
        mtime = path.stat().st_mtime
    except OSError as error:
        raise ClinicSettingsError(f"Clinic settings file not found: {path}") from error
    return _read_clinic(path, mtime)
