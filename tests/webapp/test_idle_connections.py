"""Pooled connections are tested only after lying idle (webapp/database.py), not on every checkout:
a connection lost while idle is replaced before anyone uses it; one lost while in constant use
fails its next statement once, and the pool then replaces it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from webapp import database
from webapp.database import engine_options
from webapp.settings import normalise_database_url


@pytest.fixture
def bind(database_url):
    url = normalise_database_url(database_url)
    bind = create_engine(url, **engine_options(url))
    yield bind
    bind.dispose()


def _pooled_connection_lost(bind) -> None:
    """Use a connection, give it back to the pool, then lose it as a server restart would."""
    with bind.connect() as conn:
        conn.execute(text("SELECT 1"))
        raw = conn.connection.driver_connection
    if bind.dialect.name == "postgresql":
        admin = create_engine(bind.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": raw.info.backend_pid})
        admin.dispose()
    else:
        raw.close()


def test_a_connection_lost_while_idle_is_replaced_before_use(bind, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 0.0)
    _pooled_connection_lost(bind)
    with bind.connect() as conn:
        assert conn.execute(text("SELECT 41 + 1")).scalar() == 42


def test_a_connection_in_constant_use_is_not_tested_and_fails_once_when_lost(bind, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_S", 3600.0)
    _pooled_connection_lost(bind)
    conn = bind.connect()
    with pytest.raises(DBAPIError):
        conn.execute(text("SELECT 1"))
    conn.close()
    with bind.connect() as conn:
        assert conn.execute(text("SELECT 41 + 1")).scalar() == 42
