"""The offers index: one key per way an open task is offered, written with its inbox row.

A task offered by lane is keyed `role:<role>` (any unit) or `role:<role>@<unit>` (the unit the
case names for the lane), one key per role of a shared lane; a task with named lane owners is
keyed `user:<username>` per owner. A reader's keys are the same words built from their username,
roles and unit, so "which open tasks are offered to me" is an equality the index answers, where
the access rule's LIKE patterns must be tried on every open task.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.orm import Session

from engine import write_queue
from engine.models import TaskOffer
from engine.roles import task_roles
from engine.services.writes import insert_rows


def offer_keys(role: str | None, candidates: str | None, unit: str | None) -> list[str]:
    """The keys of a task with these lane columns (HumanTask.role, .candidates, .unit)."""
    if candidates is not None:
        return [f"user:{name}" for name in sorted({name for name in candidates.split(",") if name})]
    suffix = f"@{unit}" if unit is not None else ""
    return [f"role:{name}{suffix}" for name in sorted(task_roles(role))]


def reader_keys(username: str, unit_code: str | None, roles: frozenset[str]) -> tuple[str, ...]:
    """The keys under which tasks offered to this reader are found: their name, each role in
    any unit and, when they belong to one, each role in their unit."""
    keys = [f"user:{username}"] + [f"role:{name}" for name in sorted(roles)]
    if unit_code:
        keys += [f"role:{name}@{unit_code}" for name in sorted(roles)]
    return tuple(keys)


def offer_rows(task: dict[str, Any]) -> list[dict[str, str]]:
    """The index rows of an open inbox row given as a dict of its columns."""
    return [
        {"task_id": task["id"], "key": key, "instance_id": task["instance_id"]}
        for key in offer_keys(task["role"], task["candidates"], task["unit"])
    ]


def add(session: Session, tasks: list[dict[str, Any]], *, through_orm: bool = False) -> None:
    """Index new open tasks. `through_orm`: their rows are being added to the session (a new
    instance, inserted by the ORM), so these go the same way."""
    rows = [row for task in tasks for row in offer_rows(task)]
    if through_orm:
        session.add_all(TaskOffer(**row) for row in rows)
    else:
        insert_rows(session, TaskOffer, rows)


@lru_cache(maxsize=1)
def _withdraw_task():
    return delete(TaskOffer.__table__).where(TaskOffer.__table__.c.task_id == bindparam("task_id"))


def withdraw(session: Session, task_id: str) -> None:
    """The task closed: it is offered to nobody any more (sent with the row's own update)."""
    connection = session.connection()
    prepared = write_queue.prepare(connection.dialect, _withdraw_task())
    write_queue.enqueue(connection, prepared, [{"task_id": task_id}])


def withdraw_case(session: Session, instance_id: str) -> None:
    """Every open task of the case closed at once (termination by rows alone)."""
    session.execute(delete(TaskOffer).where(TaskOffer.instance_id == instance_id))


def replace(session: Session, task: dict[str, Any]) -> None:
    """An open task's lanes changed (a version migration): its keys are written afresh."""
    session.execute(delete(TaskOffer).where(TaskOffer.task_id == task["id"]))
    insert_rows(session, TaskOffer, offer_rows(task))
