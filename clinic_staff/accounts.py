"""Staff accounts: one per person, argon2 password hashes, roles, lock-out, and the audit log.

Used by the console (log-in, the users page) and by `./staff user add` (the first admin).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import List, Optional

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clinic_core.settings import Settings
from clinic_staff import db

ROLES = ("editor", "clinician", "admin")
ROLE_NAMES = {
    "editor": "Editor (FAQ texts and phrasings, inbox)",
    "clinician": "Clinician (also approves changes to medical answers)",
    "admin": "Admin (everything: users, clinic settings, publish, rollback)",
}
# What each role may do; a clinician can also edit, an admin can do everything.
PERMISSIONS = {
    "edit": {"editor", "clinician", "admin"},
    "approve": {"clinician"},
    "publish": {"admin"},
    "manage": {"admin"},
}
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_CHARS = 10

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Verified against when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user cannot be created or changed; the message says why in plain words."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    role: str
    active: bool

    def can(self, permission: str) -> bool:
        return self.active and self.role in PERMISSIONS[permission]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: Optional[datetime]) -> Optional[datetime]:
    """SQLite returns naive datetimes; every time here is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _is_locked(locked_until: Optional[datetime]) -> bool:
    until = _aware(locked_until)
    return until is not None and until > _now()


def _user(row) -> User:
    return User(row.id, row.username, row.full_name, row.role, bool(row.active))


def password_problem(password: str, username: str = "") -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        return f"The password must be at least {MIN_PASSWORD_CHARS} characters long."
    if username and username.lower() in password.lower():
        return "The password must not contain the user name."
    return ""


def create_user(
    settings: Settings, username: str, full_name: str, role: str, password: str, by: str
) -> User:
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("-", "").isalnum():
        raise AccountError("The user name must be letters and digits (a dot or dash is fine).")
    if role not in ROLES:
        raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    with db.engine(settings).begin() as connection:
        if connection.execute(
            sa.select(db.users.c.id).where(db.users.c.username == username)
        ).first():
            raise AccountError(f"There is already a user called {username}.")
        result = connection.execute(
            db.users.insert().values(
                username=username,
                full_name=full_name.strip() or username,
                role=role,
                password_hash=_hasher.hash(password),
                active=True,
                failed_logins=0,
                created_at=_now(),
            )
        )
        user_id = result.inserted_primary_key[0]
    audit(settings, by, "user added", f"{username} ({role})")
    return User(user_id, username, full_name.strip() or username, role, True)


def set_password(settings: Settings, username: str, password: str, by: str) -> None:
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    with db.engine(settings).begin() as connection:
        done = connection.execute(
            db.users.update()
            .where(db.users.c.username == username)
            .values(password_hash=_hasher.hash(password), failed_logins=0, locked_until=None)
        ).rowcount
    if not done:
        raise AccountError(f"There is no user called {username}.")
    audit(settings, by, "password set", username)


def update_user(
    settings: Settings, username: str, by: str, role: Optional[str] = None, active=None
) -> None:
    values: dict = {}
    if role is not None:
        if role not in ROLES:
            raise AccountError(f"The role must be one of: {', '.join(ROLES)}.")
        values["role"] = role
    if active is not None:
        values["active"] = bool(active)
        values["failed_logins"] = 0
        values["locked_until"] = None
    with db.engine(settings).begin() as connection:
        connection.execute(db.users.update().where(db.users.c.username == username).values(values))
    audit(settings, by, "user changed", f"{username}: {values}")


def list_users(settings: Settings) -> List[dict]:
    with db.engine(settings).connect() as connection:
        rows = connection.execute(sa.select(db.users).order_by(db.users.c.username)).fetchall()
    return [
        {
            "username": r.username,
            "full_name": r.full_name,
            "role": r.role,
            "active": bool(r.active),
            "locked": _is_locked(r.locked_until),
        }
        for r in rows
    ]


def count_users(settings: Settings) -> int:
    with db.engine(settings).connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(db.users)).scalar_one()


def get_user(settings: Settings, user_id: int) -> Optional[User]:
    with db.engine(settings).connect() as connection:
        row = connection.execute(sa.select(db.users).where(db.users.c.id == user_id)).first()
    return _user(row) if row and row.active else None


class LoginRefused(Exception):
    """Wrong name or password, or a locked or disabled account; the message is safe to show."""


def authenticate(settings: Settings, username: str, password: str) -> User:
    """The user, or LoginRefused. MAX_FAILED_LOGINS wrong passwords lock the account."""
    username = username.strip().lower()
    refused = ""
    with db.engine(settings).begin() as connection:  # committed before refusing
        row = connection.execute(sa.select(db.users).where(db.users.c.username == username)).first()
        if row is None:
            try:
                _hasher.verify(_DUMMY_HASH, password)
            except VerificationError:
                pass
            refused = "Wrong user name or password."
        elif (locked_until := _aware(row.locked_until)) is not None and locked_until > _now():
            refused = (
                f"This account is locked after {MAX_FAILED_LOGINS} wrong passwords. Try again "
                f"after {locked_until:%H:%M} UTC, or ask an admin to unlock it."
            )
        else:
            try:
                _hasher.verify(row.password_hash, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                failures = (row.failed_logins or 0) + 1
                values: dict = {"failed_logins": failures}
                refused = "Wrong user name or password."
                if failures >= MAX_FAILED_LOGINS:
                    values = {
                        "failed_logins": 0,
                        "locked_until": _now() + timedelta(minutes=LOCK_MINUTES),
                    }
                    refused = (
                        f"Wrong password {MAX_FAILED_LOGINS} times: the account is locked for "
                        f"{LOCK_MINUTES} minutes."
                    )
                connection.execute(db.users.update().where(db.users.c.id == row.id).values(values))
                audit_in(connection, username, "log-in refused", refused)
            else:
                if not row.active:
                    refused = "This account is disabled; ask an admin."
                else:
                    values = {"failed_logins": 0, "locked_until": None}
                    if _hasher.check_needs_rehash(row.password_hash):
                        values["password_hash"] = _hasher.hash(password)
                    connection.execute(
                        db.users.update().where(db.users.c.id == row.id).values(values)
                    )
                    audit_in(connection, username, "logged in", "")
    if refused or row is None:
        raise LoginRefused(refused)
    return _user(row)


def audit_in(connection, username: str, action: str, detail: str) -> None:
    connection.execute(
        db.audit_log.insert().values(at=_now(), username=username, action=action, detail=detail)
    )


def audit(settings: Settings, username: str, action: str, detail: str = "") -> None:
    with db.engine(settings).begin() as connection:
        audit_in(connection, username, action, detail)


def recent_audit(settings: Settings, limit: int = 200) -> List[dict]:
    with db.engine(settings).connect() as connection:
        rows = connection.execute(
            sa.select(db.audit_log).order_by(db.audit_log.c.id.desc()).limit(limit)
        ).fetchall()
    return [dict(r._mapping) for r in rows]
