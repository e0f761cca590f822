"""Reads that need no transaction of their own, on PostgreSQL.

psycopg opens a transaction (a `BEGIN`, one round trip) before the first statement, and every
request's first statements are reads: the authentication revision, the inbox, the task to
complete. Under READ COMMITTED each statement sees its own snapshot inside a transaction as
well, and these reads take no locks, so running them outside one changes nothing they see; the
writes that follow still begin a transaction (on PostgreSQL inside the write queue's pipeline,
so the BEGIN costs no round trip of its own) and keep the optimistic lock. A request that only
reads then needs neither BEGIN nor ROLLBACK.

Only while the connection has no transaction open in the database and nothing waits to be
written (ORM changes or the write queue): those must never run outside a transaction.
SQLite's driver already opens its transactions only before a write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from engine import write_queue


@contextmanager
def outside_transaction(session: Session) -> Iterator[None]:
    connection = session.connection()
    if connection.dialect.name != "postgresql" or session.new or session.dirty or session.deleted:
        yield
        return
    raw = connection.connection.driver_connection
    if raw.autocommit or raw.info.transaction_status != write_queue.PG_IDLE or write_queue.QUEUE in connection.info:
        yield
        return
    raw.autocommit = True
    try:
        yield
    finally:
        raw.autocommit = False
