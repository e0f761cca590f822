"""Versioned writes on the hot path, as single statements sent by the write queue.

The ORM's unit of work cost more per completion than SQLite took to run the statements, so the
rows a change always touches (its instance, its inbox rows) are written here directly, through
`write_queue` (which sends them together, straight to the driver). The optimistic lock is the
same as the ORM's: `UPDATE ... WHERE id = :id AND lock_version = :read`, and a row nobody matched
raises StaleDataError, which `atomic` turns into a Conflict. The objects' committed state is
brought in line, so the ORM sees nothing left to flush and a later ORM change of the same object
carries the right version. Statements are built once per table and set of columns (building one
cost more than running it).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, inspect, update
from sqlalchemy.orm import Session, attributes

from engine import write_queue


@lru_cache(maxsize=256)
def _versioned_update(table: Table, columns: tuple[str, ...], guards: tuple[str, ...]):
    criteria = [table.c.id == bindparam("_id")]
    criteria += [table.c[name] == bindparam(f"_guard_{name}") for name in guards]
    values = {name: bindparam(name) for name in columns}
    values["lock_version"] = table.c.lock_version + 1
    return update(table).where(*criteria).values(values)


def _execute_update(session: Session, table: Table, row_id: Any, values: dict, guards: dict) -> None:
    statement = _versioned_update(table, tuple(sorted(values)), tuple(sorted(guards)))
    params = {"_id": row_id, **values, **{f"_guard_{k}": v for k, v in guards.items()}}
    connection = session.connection()
    prepared = write_queue.prepare(connection.dialect, statement, guarded=True)
    write_queue.enqueue(connection, prepared, [params], f"{table.name} row {row_id!r} was changed by someone else")


def write_versioned(session: Session, obj: Any, values: dict[str, Any]) -> None:
    if not inspect(obj).persistent:
        for key, value in values.items():  # not in the database yet: the ORM inserts it as is
            setattr(obj, key, value)
        return
    read_version = obj.lock_version
    _execute_update(session, type(obj).__table__, obj.id, values, {"lock_version": read_version})
    for key, value in values.items():
        attributes.set_committed_value(obj, key, value)
    attributes.set_committed_value(obj, "lock_version", read_version + 1)


def close_unloaded(session: Session, model: type, row_id: str, guard: dict[str, Any], values: dict[str, Any]) -> None:
    """Update a row that is not in the session, only while it still matches `guard`."""
    _execute_update(session, model.__table__, row_id, values, guard)


@lru_cache(maxsize=64)
def _insert(table: Table):
    return insert(table)


def insert_rows(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """Rows of one table, each giving every column the insert sets (the first row's keys)."""
    if rows:
        connection = session.connection()
        keys = tuple(sorted(rows[0]))
        prepared = write_queue.prepare(connection.dialect, _insert(model.__table__), keys)
        write_queue.enqueue(connection, prepared, rows)
