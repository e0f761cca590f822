"""The hot path's writes, sent to the database together and straight to the driver.

A completion writes the same rows every time: its instance and the inbox rows it closes (both
under the optimistic lock), the inbox rows it opens and its audit rows. Sent one at a time through
SQLAlchemy, each paid the library's statement handling (more than SQLite took to run it) and, on
PostgreSQL, a round trip to the server. Here they wait on the connection, compiled once per
dialect and statement, until something needs them in the database: the next statement of any
kind on the same connection (so every read, and every ORM flush, sees them and comes after them)
or the commit. On PostgreSQL the waiting writes go in one pipeline: one round trip for all.

A versioned UPDATE that matched no row raises StaleDataError, as the ORM's optimistic lock does,
and a driver error is raised as SQLAlchemy's own exception, so `atomic` turns both into the same
Conflict as before. A rollback (whole or to a savepoint), and a connection going back to the pool,
drop the writes still waiting: writes made before a savepoint were sent when it was taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import Pool
from sqlalchemy.sql import ClauseElement

QUEUE = "lieta_write_queue"
# psycopg.pq.TransactionStatus (the driver is imported only where PostgreSQL is used)
PG_IDLE, PG_UNKNOWN = 0, 4  # no transaction open; connection lost


@dataclass(frozen=True)
class Prepared:
    """A statement compiled for one dialect, with what turns Python values into driver values."""

    sql: str
    positions: tuple[str, ...] | None  # parameter order for positional drivers (SQLite)
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]
    constants: dict[str, Any]  # values written into the statement (the 1 of `lock_version + 1`)
    checked_by_server: bool = False  # fails in the database when it matches no row (see _guarded)

    def parameters(self, values: dict[str, Any]) -> tuple | dict:
        if self.processors or self.constants:
            values = {**self.constants, **values}
            for name, process in self.processors:
                values[name] = process(values[name])
        if self.positions is None:
            return values
        return tuple(values[name] for name in self.positions)


@dataclass(frozen=True)
class Write:
    prepared: Prepared
    rows: list[tuple | dict]
    stale_message: str | None  # set: exactly one row must match (the optimistic lock)


_PREPARED: dict[tuple, Prepared] = {}
# The callers cache their statements (a few shapes per table); past this, something builds
# statements per call and the entries would only pile up.
_MAX_PREPARED = 1024


def prepare(dialect: Dialect, statement: ClauseElement, column_keys: tuple[str, ...] | None = None,
            *, guarded: bool = False) -> Prepared:
    """Compiled once per (dialect, statement, columns): `statement` must be a long-lived object.
    `guarded`: an UPDATE that must match exactly one row (the optimistic lock)."""
    key = (dialect.name, dialect.paramstyle, statement, column_keys, guarded)  # the statement by identity
    prepared = _PREPARED.get(key)
    if prepared is not None:
        return prepared
    compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
    processors = []
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((name, process))
    positions = tuple(compiled.positiontup) if dialect.positional else None
    constants = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
    sql, checked_by_server = compiled.string, False
    if guarded and dialect.name == "postgresql":
        sql, checked_by_server = _guarded(sql), True
    prepared = Prepared(sql, positions, tuple(processors), constants, checked_by_server)
    if len(_PREPARED) >= _MAX_PREPARED:
        _PREPARED.clear()
    _PREPARED[key] = prepared
    return prepared


_STALE_MARK = "lieta-stale-"
_STALE_FOUND = re.compile(re.escape(_STALE_MARK) + r"(\d+):")


def _guarded(update_sql: str) -> str:
    """On PostgreSQL the queue is sent with the commit in one round trip, so a versioned UPDATE
    that matched no row must stop the transaction in the database itself: when it changed no
    row, the statement casts '<mark><its place in the queue>:0' to an integer, an error whose
    text says which write it was. (The cast depends on count(*), so it is never folded in early.)"""
    return (
        f"WITH changed AS ({update_sql} RETURNING 1) SELECT CASE WHEN count(*) = 1 THEN 1 "
        f"ELSE CAST(%(_lieta_stale)s || count(*) AS integer) END FROM changed"
    )


def enqueue(connection: Connection, prepared: Prepared, rows: list[dict[str, Any]], stale_message: str | None = None) -> None:
    if rows:
        queue = connection.info.setdefault(QUEUE, [])
        parameters = [prepared.parameters(row) for row in rows]
        if prepared.checked_by_server:
            for values in parameters:
                values["_lieta_stale"] = f"{_STALE_MARK}{len(queue)}:"
        queue.append(Write(prepared, parameters, stale_message))


def send(connection: Connection, *, commit: bool = False) -> None:
    """Send the waiting writes now (also called by the events below). With `commit`, PostgreSQL
    gets the COMMIT in the same pipeline: the commit that follows finds nothing left to do."""
    queue = connection.info.pop(QUEUE, None)
    if not queue:
        return
    dialect = connection.dialect
    fairy = connection.connection
    try:
        if dialect.name == "postgresql":
            cursors = _send_pipelined(fairy.driver_connection, queue, commit)
        else:
            cursors = _send_one_by_one(fairy, queue)
    except dialect.loaded_dbapi.Error as err:
        # Only the guard's own error: a failed cast (22P02) of its mark, never text from the data.
        stale = _STALE_FOUND.search(str(err)) if getattr(err, "sqlstate", None) == "22P02" else None
        if stale is not None and int(stale.group(1)) < len(queue):
            raise StaleDataError(queue[int(stale.group(1))].stale_message) from err
        raise DBAPIError.instance(_statements(queue), None, err, dialect.loaded_dbapi.Error) from err
    for write, rowcount in cursors:
        if write.stale_message is not None and rowcount != 1:
            raise StaleDataError(write.stale_message)


def _send_one_by_one(fairy, queue: list[Write]) -> list[tuple[Write, int]]:
    cursor = fairy.cursor()
    try:
        counts = []
        for write in queue:
            _execute(cursor, write)
            counts.append((write, cursor.rowcount))
        return counts
    finally:
        cursor.close()


def _send_pipelined(raw, queue: list[Write], commit: bool) -> list[tuple[Write, int]]:
    if commit and not raw.autocommit and raw.info.transaction_status == PG_IDLE:
        return _send_whole_transaction(raw, queue)
    with raw.pipeline():
        cursors = [(write, _execute(raw.cursor(), write)) for write in queue]
        if commit:
            # Queued behind the writes; an error in any of them aborts the pipeline before it,
            # and the transaction is left for the caller's rollback.
            raw.commit()
    # Leaving the block synced the pipeline: every result has arrived.
    return [(write, cursor.rowcount) for write, cursor in cursors]


def _send_whole_transaction(raw, queue: list[Write]) -> list[tuple[Write, int]]:
    """Nothing of the transaction reached the database yet (its reads ran outside one, see
    engine.services.reads): BEGIN, the writes and COMMIT go in one round trip. psycopg would
    send its own BEGIN and wait for it, so the connection is switched to autocommit while the
    pipeline carries the BEGIN and COMMIT itself; on an error it is rolled back here, as it
    is no longer in a transaction psycopg knows of."""
    raw.autocommit = True
    try:
        with raw.pipeline():
            raw.cursor().execute(b"BEGIN")
            cursors = [(write, _execute(raw.cursor(), write)) for write in queue]
            raw.cursor().execute(b"COMMIT")
    except raw.Error:
        if raw.info.transaction_status not in (PG_IDLE, PG_UNKNOWN):
            raw.rollback()
        raise
    finally:
        if raw.info.transaction_status == PG_IDLE:
            raw.autocommit = False
    return [(write, cursor.rowcount) for write, cursor in cursors]


def _execute(cursor, write: Write):
    if len(write.rows) == 1:
        cursor.execute(write.prepared.sql, write.rows[0])
    else:
        cursor.executemany(write.prepared.sql, write.rows)
    return cursor


def _statements(queue: list[Write]) -> str:
    return "; ".join(write.prepared.sql for write in queue)


def discard(connection: Connection) -> None:
    # An invalidated (lost) connection has no info to ask, and nothing waiting there will ever
    # be sent: the pool clears its record when the connection goes back.
    if not connection.invalidated:
        connection.info.pop(QUEUE, None)


@event.listens_for(Engine, "before_execute")
def _before_execute(connection: Connection, *_args) -> None:
    if not connection.invalidated and QUEUE in connection.info:
        send(connection)


@event.listens_for(Engine, "commit")
def _before_commit(connection: Connection) -> None:
    if not connection.invalidated:
        send(connection, commit=True)


@event.listens_for(Engine, "rollback")
def _on_rollback(connection: Connection) -> None:
    discard(connection)


@event.listens_for(Engine, "rollback_savepoint")
def _on_rollback_to_savepoint(connection: Connection, *_args) -> None:
    discard(connection)


@event.listens_for(Pool, "checkin")
def _on_checkin(_dbapi_connection, record) -> None:
    if record is not None:
        record.info.pop(QUEUE, None)
