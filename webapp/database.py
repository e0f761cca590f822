"""Database connection settings per dialect, and the health probe."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine as SAEngine
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # Writers wait for each other instead of failing at once; the optimistic version check
        # (not the lock wait) is what refuses a conflicting change.
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}


@event.listens_for(SAEngine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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
