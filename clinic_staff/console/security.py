"""Sessions in the clinic database (aiohttp-session's storage interface), the per-session CSRF
token, log-in checks and roles, and security headers."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta, timezone
from typing import Awaitable, Callable, Optional

import sqlalchemy as sa
from aiohttp import web
from aiohttp_session import AbstractStorage, Session, get_session

from clinic_core.settings import Settings
from clinic_staff import accounts, db

SESSION_HOURS = 12
COOKIE_NAME = "clinic_console"
PUBLIC_PATHS = ("/login", "/healthz", "/static/")
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _digest(key: str) -> str:
    """The database keeps only a hash of the session key: a leaked table opens no session."""
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseStorage(AbstractStorage):
    """Sessions as rows of staff_sessions; the cookie holds a random key only (HttpOnly,
    SameSite=Strict, Secure when CONSOLE_SECURE_COOKIE is set)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            cookie_name=COOKIE_NAME,
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            samesite="Strict",
            secure=settings.console_secure_cookie or None,
        )
        self.settings = settings

    async def load_session(self, request: web.Request) -> Session:
        key = self.load_cookie(request)
        if key:
            with db.engine(self.settings).connect() as connection:
                row = connection.execute(
                    sa.select(db.sessions).where(db.sessions.c.key == _digest(key))
                ).first()
            if row is not None:
                expires = row.expires_at.replace(tzinfo=row.expires_at.tzinfo or timezone.utc)
                if expires > datetime.now(timezone.utc):
                    data = json.loads(row.data)  # {"created": ..., "session": {...}}
                    return Session(key, data=data, new=False, max_age=self.max_age)
        return Session(None, data=None, new=True, max_age=self.max_age)

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        key = session.identity
        with db.engine(self.settings).begin() as connection:
            if key:
                connection.execute(db.sessions.delete().where(db.sessions.c.key == _digest(key)))
            if session.empty:
                self.save_cookie(response, "", max_age=session.max_age)
                return
            if key is None:
                key = secrets.token_urlsafe(32)
                session.set_new_identity(key)
            connection.execute(
                db.sessions.delete().where(db.sessions.c.expires_at < datetime.now(timezone.utc))
            )
            connection.execute(
                db.sessions.insert().values(
                    key=_digest(key),
                    data=json.dumps(self._get_session_data(session)),
                    expires_at=datetime.now(timezone.utc) + timedelta(hours=SESSION_HOURS),
                )
            )
        self.save_cookie(response, key, max_age=session.max_age)


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _is_public(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in PUBLIC_PATHS)


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every request but the public ones needs a logged-in user; every POST needs the session's
    CSRF token in its form (`csrf_token`)."""
    settings: Settings = request.app["settings"]
    session = await get_session(request)
    request["user"] = None
    if session.get("user_id"):
        request["user"] = accounts.get_user(settings, int(session["user_id"]))
        if request["user"] is None:
            session.invalidate()
    if request.method == "POST":
        form = await request.post()
        sent = str(form.get("csrf_token") or "")
        expected = session.get("csrf") or ""
        if not expected or not hmac.compare_digest(sent, expected):
            raise web.HTTPForbidden(
                text="This form has expired or did not come from the console. Go back, reload "
                "the page and try again.",
            )
    if request["user"] is None and not _is_public(request.path):
        if request.method == "POST":
            raise web.HTTPForbidden(text="Please log in first.")
        raise web.HTTPSeeOther(f"/login?next={request.path_qs}")
    return await handler(request)


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        response = error
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    if isinstance(response, web.HTTPException) and response.status >= 300:
        raise response
    return response


def require(request: web.Request, permission: str) -> accounts.User:
    """The user, or a 403 naming the role needed."""
    user: Optional[accounts.User] = request["user"]
    if user is None:
        raise web.HTTPSeeOther("/login")
    if not user.can(permission):
        role = {"approve": "a clinician", "publish": "an admin", "manage": "an admin"}.get(
            permission, "an editor"
        )
        raise web.HTTPForbidden(text=f"Only {role} can do this. You are logged in as {user.role}.")
    return user
