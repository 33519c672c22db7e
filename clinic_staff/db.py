"""The staff console's tables in the clinic database (CLINIC_DB_URL), next to the call-back
requests and crisis flags: accounts, sessions, the audit log, FAQ drafts, approvals, published
versions and publish jobs. Created if missing, like clinic_core.storage's tables."""

from __future__ import annotations

import threading
from typing import Dict, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from clinic_core.settings import Settings, load_settings
from clinic_core.storage import get_storage

metadata = sa.MetaData()

users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), unique=True, nullable=False),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),  # editor, clinician, admin
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

sessions = sa.Table(
    "staff_sessions",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # random; the cookie holds only this
    sa.Column("data", sa.Text, nullable=False),  # JSON: user id, CSRF token
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

audit_log = sa.Table(
    "staff_audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

drafts = sa.Table(
    "staff_drafts",
    metadata,
    # data/faq/<topic>.yml or clinic.yml: the file the draft replaces when published
    sa.Column("path", sa.String(255), primary_key=True),
    sa.Column("content", sa.Text, nullable=True),  # None: the file is deleted when published
    sa.Column("medical", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_by", sa.String(64), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("approved_by", sa.String(64), nullable=True),
    sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
)

dismissed = sa.Table(
    "staff_inbox_dismissed",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),  # normalised message text
    sa.Column("action", sa.String(32), nullable=False),  # dismissed, added to <topic>, new FAQ
    sa.Column("by", sa.String(64), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)

versions = sa.Table(
    "staff_published_versions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("files", sa.Text, nullable=False),  # JSON {path: content} of data/faq + clinic.yml
    sa.Column("model_name", sa.String(255), nullable=False),
    sa.Column("model_file", sa.Text, nullable=False),  # the kept copy in var/deploy/models
    sa.Column("report", sa.Text, nullable=False, default=""),
)

jobs = sa.Table(
    "staff_publish_jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # publish, rollback
    sa.Column("started_by", sa.String(64), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),  # running, published, refused, failed
    sa.Column("step", sa.Text, nullable=False, default=""),
    sa.Column("steps_done", sa.Integer, nullable=False, default=0),
    sa.Column("steps_total", sa.Integer, nullable=False, default=1),
    sa.Column("detail", sa.Text, nullable=False, default=""),
    sa.Column("version_id", sa.Integer, nullable=True),
)

_engines: Dict[str, Engine] = {}
_lock = threading.Lock()


def engine(settings: Optional[Settings] = None) -> Engine:
    """The clinic database's engine, with the console's tables created if missing."""
    url = (settings or load_settings()).database_url
    with _lock:
        if url not in _engines:
            shared = get_storage(url).engine
            metadata.create_all(shared)
            _engines[url] = shared
        return _engines[url]
