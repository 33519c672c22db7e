"""Pre-flight checks before the servers start: fail fast, naming the setting to fix.

Rasa 3.6's SQLTrackerStore retries an unreachable database for ever, so a wrong
TRACKER_STORE_URL looks like a server that never starts. Checking both databases
with a short timeout first turns that into one clear error.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from clinic_core.settings import Settings

CONNECT_TIMEOUT_S = 5


class PreflightError(RuntimeError):
    """A dependency the servers need is not reachable."""


def connect_args(url: str) -> dict:
    """Driver options that bound how long a connection attempt may take."""
    backend = sa.engine.make_url(url).get_backend_name()
    if backend == "postgresql":
        return {"connect_timeout": CONNECT_TIMEOUT_S}
    if backend == "mysql":
        return {"connect_timeout": CONNECT_TIMEOUT_S}
    if backend == "sqlite":
        return {"timeout": CONNECT_TIMEOUT_S}
    return {}


def check_database(url: str, setting: str) -> None:
    """Connect once and run `SELECT 1`; raise PreflightError naming `setting` if that fails."""
    try:
        parsed = sa.engine.make_url(url)
    except Exception as error:  # noqa: BLE001 - any parse failure is the same advice
        raise PreflightError(f"{setting} is not a valid database URL ({error}).") from None
    shown = parsed.render_as_string(hide_password=True)
    try:
        if parsed.get_backend_name() == "sqlite" and parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args=connect_args(url), future=True)
        try:
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        finally:
            engine.dispose()
    except Exception as error:  # noqa: BLE001 - driver errors vary; all mean "can't reach it"
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise PreflightError(
            f"Cannot reach the database in {setting} ({shown}): {type(error).__name__}: "
            f"{first_line}. Check that the database is running and {setting} is right."
        ) from None


def check_databases(settings: Settings) -> None:
    check_database(settings.tracker_store_url, "TRACKER_STORE_URL")
    check_database(settings.database_url, "CLINIC_DB_URL")
