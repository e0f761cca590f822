"""Database connection settings per dialect, and the health probe."""

from __future__ import annotations

import importlib
import time

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.pool import Pool

from webapp import sqlite_statistics
from webapp.extensions import db


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # Writers wait for each other instead of failing at once; the optimistic version check
        # (not the lock wait) is what refuses a conflicting change.
        # A connection reads the planner statistics when it opens: replaced as often as the
        # scheduler gathers them, it sees the last gathering (webapp/sqlite_statistics.py).
        return {"connect_args": {"timeout": 30, "check_same_thread": False},
                "pool_recycle": int(sqlite_statistics.REFRESH_EVERY.total_seconds())}
    # No `pool_pre_ping`: it cost a round trip on every checkout, that is on every request and
    # every transaction. A connection is tested only after it lay idle (see _ping_if_idle).
    return {"pool_size": 10, "max_overflow": 20}


# A connection back in use within this time was working a moment ago; one idle for longer may
# have been closed by a server restart or a firewall, and is tested before it is handed out.
PING_AFTER_IDLE_S = 1.0
_IDLE_SINCE = "lieta_idle_since"


@event.listens_for(Pool, "checkin")
def _mark_idle(_dbapi_connection, record) -> None:
    if record is not None:
        record.info[_IDLE_SINCE] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    idle_since = record.info.pop(_IDLE_SINCE, None)
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except _driver_error(dbapi_connection) as err:
        # The pool drops this connection and hands out a new one (up to three tries).
        raise DisconnectionError(f"an idle database connection was lost: {err}") from err


# A checkpoint copies the write-ahead log back into the database file and syncs both. At SQLite's
# default (every 1,000 pages, some 50 task completions) the slowest 1 % of commits ran one, 5-9 ms,
# and made 22-23 % of all the time spent committing. Every 10,000 pages, the pages each completion
# rewrites (its instance's row, the inbox's index pages) are copied once where they were copied ten
# times: the mean commit of a completion fell from 251-299 to 188-211 µs in four pairs of runs (p99
# from 5.1-6.2 ms to 0.24-0.27 ms); one commit in several hundred now takes 29-42 ms. What a power
# cut may lose stays as synchronous=NORMAL has it: commits since the last checkpoint that the
# operating system had not yet written (it writes within seconds); a crash of the process loses none.
WAL_AUTOCHECKPOINT_PAGES = 10_000


@event.listens_for(SAEngine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    sqlite_statistics.gather_if_missing(dbapi_connection)


def _driver_error(dbapi_connection) -> type[Exception]:
    """The DB-API module's base `Error` (psycopg.Error, ...)."""
    return importlib.import_module(type(dbapi_connection).__module__.split(".")[0]).Error


def database_reachable() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except (SQLAlchemyError, OSError):
        db.session.rollback()
        return False
    finally:
        db.session.remove()


def init_app(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        if database_reachable():
            return {"status": "ok", "database": "reachable"}, 200
        return {"status": "unavailable", "database": "unreachable"}, 503
