"""Booking requests and safety flags, kept in the clinic's own SQL database.

Any SQLAlchemy URL works (CLINIC_DB_URL): a SQLite file by default,
PostgreSQL in a scaled-out deployment. The engine is created on first use,
never at import time, and tables are created if missing.
"""

from __future__ import annotations

import logging
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from clinic_core.settings import load_settings

logger = logging.getLogger(__name__)

metadata = sa.MetaData()

booking_requests = sa.Table(
    "booking_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("reference", sa.String(16), unique=True, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("conversation_id", sa.String(255), nullable=False),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("contact_method", sa.String(10), nullable=False),
    sa.Column("contact", sa.String(320), nullable=False),
    sa.Column("preferred_times", sa.String(500), nullable=False),
    sa.Column("preferred_times_hint", sa.String(200), nullable=True),
    sa.Column("consent", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="new", index=True),
    sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
    # Conversation id + form run: a confirmation repeated after a crash (the visitor says
    # "yes" again) finds the request already saved instead of saving it twice.
    sa.Column("idempotency_key", sa.String(300), nullable=True),
    sa.UniqueConstraint("idempotency_key", name="uq_booking_requests_idempotency_key"),
)

safety_flags = sa.Table(
    "safety_flags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    # Only what staff need to find the conversation and see why it was flagged:
    # the message itself stays in the tracker store, not copied here.
    sa.Column("conversation_id", sa.String(255), nullable=False),
    sa.Column("layer", sa.String(20), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="new"),
)

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to misread
STATUSES = ("new", "handled")


class StorageError(RuntimeError):
    """The database could not be written or read."""


@dataclass(frozen=True)
class BookingRequest:
    first_name: str
    contact_method: str
    contact: str
    preferred_times: str
    preferred_times_hint: Optional[str]
    consent: bool
    conversation_id: str
    idempotency_key: Optional[str] = None


def new_reference() -> str:
    return "KT-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _connect_args(url: str) -> Dict:
    backend = sa.engine.make_url(url).get_backend_name()
    return {"connect_timeout": 5} if backend in ("postgresql", "mysql") else {}


class Storage:
    """Reads and writes the clinic database; every write is one transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Optional[Engine] = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                if self.url.startswith("sqlite:///"):
                    Path(self.url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
                # A short connect timeout: a visitor waits on this, so fail fast and say so.
                engine = sa.create_engine(
                    self.url, future=True, pool_pre_ping=True, connect_args=_connect_args(self.url)
                )
                metadata.create_all(engine)
                _add_idempotency_key(engine)
                self._engine = engine
            return self._engine

    @contextmanager
    def _connect(self, write: bool) -> Iterator[sa.engine.Connection]:
        """A connection (in a transaction when writing); database errors become StorageError."""
        try:
            with self.engine.begin() if write else self.engine.connect() as connection:
                yield connection
        except IntegrityError:
            raise
        except (SQLAlchemyError, OSError) as error:
            raise StorageError(
                f"Database error in CLINIC_DB_URL ({type(error).__name__}): {error}"
            ) from error

    def save_booking(self, request: BookingRequest) -> str:
        """Store a confirmed request atomically; return its reference code.

        A request whose idempotency key is already saved is not saved again: the existing
        request's reference is returned (exactly once, whatever the retries)."""
        existing = self.reference_for(request.idempotency_key)
        if existing:
            return existing
        for _ in range(5):
            reference = new_reference()
            try:
                with self._connect(write=True) as connection:
                    connection.execute(
                        booking_requests.insert().values(
                            reference=reference,
                            created_at=utcnow(),
                            status="new",
                            **request.__dict__,
                        )
                    )
                return reference
            except IntegrityError as error:
                existing = self.reference_for(request.idempotency_key)
                if existing:  # saved meanwhile by a concurrent retry of the same confirmation
                    return existing
                if "reference" not in str(error):
                    raise StorageError(f"Could not save the booking request: {error}") from error
        raise StorageError("Could not find a free reference code")

    def reference_for(self, idempotency_key: Optional[str]) -> Optional[str]:
        """The reference of the request saved under `idempotency_key`, if any."""
        if not idempotency_key:
            return None
        with self._connect(write=False) as connection:
            return connection.execute(
                sa.select(booking_requests.c.reference).where(
                    booking_requests.c.idempotency_key == idempotency_key
                )
            ).scalar_one_or_none()

    def list_bookings(
        self,
        status: Optional[str] = None,
        since: Optional[datetime] = None,
        until: Optional[datetime] = None,
    ) -> List[Dict]:
        query = sa.select(booking_requests).order_by(booking_requests.c.created_at)
        if status:
            query = query.where(booking_requests.c.status == status)
        if since:
            query = query.where(booking_requests.c.created_at >= since)
        if until:
            query = query.where(booking_requests.c.created_at < until)
        with self._connect(write=False) as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def mark_handled(self, reference: str) -> bool:
        with self._connect(write=True) as connection:
            result = connection.execute(
                booking_requests.update()
                .where(booking_requests.c.reference == reference)
                .values(status="handled", handled_at=utcnow())
            )
        return result.rowcount == 1

    def flag_conversation(self, conversation_id: str, layer: str) -> bool:
        """Flag the conversation for review; False if it already has an open flag."""
        with self._connect(write=True) as connection:
            already = connection.execute(
                sa.select(safety_flags.c.id).where(
                    safety_flags.c.conversation_id == conversation_id,
                    safety_flags.c.status == "new",
                )
            ).first()
            if already:
                return False
            connection.execute(
                safety_flags.insert().values(
                    created_at=utcnow(),
                    conversation_id=conversation_id,
                    layer=layer,
                    status="new",
                )
            )
        return True

    def delete_older_than(self, cutoff: datetime, dry_run: bool = False) -> Dict[str, int]:
        """Delete booking requests and safety flags created before `cutoff`; return counts."""
        counts: Dict[str, int] = {}
        with self._connect(write=True) as connection:
            for table in (booking_requests, safety_flags):
                old = table.c.created_at < cutoff
                counts[table.name] = connection.execute(
                    sa.select(sa.func.count()).select_from(table).where(old)
                ).scalar_one()
                if not dry_run:
                    connection.execute(table.delete().where(old))
        return counts

    def mark_flag_reviewed(self, flag_id: int) -> bool:
        """A staff member has read the flagged conversation and acted on it."""
        with self._connect(write=True) as connection:
            result = connection.execute(
                safety_flags.update().where(safety_flags.c.id == flag_id).values(status="reviewed")
            )
        return result.rowcount == 1

    def list_flags(self, status: Optional[str] = None) -> List[Dict]:
        query = sa.select(safety_flags).order_by(safety_flags.c.created_at)
        if status:
            query = query.where(safety_flags.c.status == status)
        with self._connect(write=False) as connection:
            return [dict(row._mapping) for row in connection.execute(query)]


def _add_idempotency_key(engine: Engine) -> None:
    """Databases made before the idempotency key existed get the column and its unique index."""
    columns = {c["name"] for c in sa.inspect(engine).get_columns("booking_requests")}
    if "idempotency_key" in columns:
        return
    with engine.begin() as connection:
        connection.execute(
            sa.text("ALTER TABLE booking_requests ADD COLUMN idempotency_key VARCHAR(300)")
        )
        connection.execute(
            sa.text(
                "CREATE UNIQUE INDEX uq_booking_requests_idempotency_key "
                "ON booking_requests (idempotency_key)"
            )
        )


_storages: Dict[str, Storage] = {}


def get_storage(url: Optional[str] = None) -> Storage:
    """The shared Storage for `url` (default: CLINIC_DB_URL)."""
    url = url or load_settings().database_url
    if url not in _storages:
        _storages[url] = Storage(url)
    return _storages[url]
