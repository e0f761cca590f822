"""Tables kept in line with each instance's workflow after every change: the task inbox, the
waiting timers and the waiting messages. Each is a projection: the workflow state is the truth,
the rows are its index."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import inspect, select
from sqlalchemy.orm import attributes, lazyload
from sqlalchemy.orm.util import identity_key

from engine import audit, messages
from engine.models import HumanTask, MessageWait, ProcessInstance, TaskState, Timer, TimerStatus, User
from engine.roles import role_for_lane
from engine.services import lanes, offers
from engine.services.writes import close_unloaded, insert_rows, write_versioned
from engine.timers import timer_due, waiting_timers

if TYPE_CHECKING:
    from engine.services.engine import Engine


def find_task(workflow, task_id: str):
    from uuid import UUID

    try:
        return workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TaskNotFoundException):
        return None


def _boundary_due(task, interrupting_only: bool = False) -> datetime | None:
    """The earliest timer attached to the task as a boundary event."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    dues = [
        timer_due(sibling) for sibling in parent.children
        if sibling is not task and (not interrupting_only or getattr(sibling.task_spec, "cancel_activity", True))
    ]
    dues = [d for d in dues if d is not None]
    return min(dues) if dues else None


def _nearest_due(workflow, task) -> datetime | None:
    """A user task's due time: its own boundary timer, else the interrupting boundary timer of the
    nearest enclosing subprocess that has one (the deadline of the whole phase it belongs to)."""
    due = _boundary_due(task)
    current = task
    while due is None:
        parent_id = getattr(current.workflow, "parent_task_id", None)
        if parent_id is None:
            return None
        current = workflow.get_task_from_id(parent_id)
        if current is None:
            return None
        due = _boundary_due(current, interrupting_only=True)
    return due


# The ready manual tasks the last projection wrote, left on the workflow it projected. A cached
# workflow is checked out exclusively and changed only by a change that projects again, so the
# set is still true when it comes back; it is taken (not read) so a second change recomputes it.
_PROJECTED_READY = "_lieta_projected_ready"


def ready_manual_tasks(workflow) -> set[str]:
    projected = workflow.__dict__.pop(_PROJECTED_READY, None)
    if projected is not None:
        return projected
    return {str(task.id) for task in workflow.get_tasks(state=SpiffState.READY, manual=True)}


def project_tasks(
    engine: Engine, instance: ProcessInstance, workflow, now: datetime, completed_by: User | None,
    ready_before: set[str] | None,
) -> None:
    """`ready_before` is the set of ready manual tasks when the workflow was loaded: the inbox rows
    mirror it (every change projects), so only the difference is written, without reading the
    inbox back. None means "not known": the open rows are read from the table."""
    session = engine.session()
    ready_now = {str(task.id): task for task in workflow.get_tasks(state=SpiffState.READY, manual=True)}
    with session.no_autoflush:
        if ready_before is None:
            query = (
                select(HumanTask)
                .where(HumanTask.instance_id == instance.id, HumanTask.state == TaskState.READY)
                .options(lazyload(HumanTask.assignee))
            )
            ready_before = {row.id for row in session.scalars(query)}
    new_rows = [
        _inbox_row(engine, instance, workflow, task_id, task, now) for task_id, task in ready_now.items()
        if task_id not in ready_before
    ]
    if inspect(instance).persistent:
        insert_rows(session, HumanTask, new_rows)
        offers.add(session, new_rows)
    else:
        session.add_all(HumanTask(**row) for row in new_rows)  # inserted after the new instance
        offers.add(session, new_rows, through_orm=True)
    for task_id in ready_before - ready_now.keys():
        _close_inbox_row(session, workflow, task_id, now, completed_by)
    setattr(workflow, _PROJECTED_READY, set(ready_now))


def _inbox_row(engine: Engine, instance: ProcessInstance, workflow, task_id: str, task, now: datetime) -> dict:
    spec = task.task_spec
    props = (getattr(spec, "extensions", None) or {}).get("properties", {})
    lane = getattr(spec, "lane", None)
    offer = lanes.offer_for(engine, lane, task.data)
    if offer.refused:
        audit.record(
            engine.session(), now, "system", "lane_offer_refused", instance_id=instance.id, task_id=task_id,
            data={"element_id": spec.bpmn_id, "reasons": offer.refused},
        )
    return {
        "id": task_id, "instance_id": instance.id, "definition_id": instance.definition_id,
        "process_id": instance.process_id, "process_version": instance.process_version,
        "element_id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id, "lane": lane,
        "role": role_for_lane(lane), "candidates": offer.candidates, "unit": offer.unit, "assignee_id": None,
        "business_key": instance.business_key,
        "form_file": props.get("formJsonSchemaFilename"), "ui_form_file": props.get("formUiSchemaFilename"),
        "state": TaskState.READY, "created_at": now, "due_at": _nearest_due(workflow, task),
        "completed_at": None, "completed_by": None, "lock_version": 1,
    }


def _close_inbox_row(session, workflow, task_id: str, now: datetime, completed_by: User | None) -> None:
    spiff_task = find_task(workflow, task_id)
    done = spiff_task is not None and spiff_task.state == SpiffState.COMPLETED
    values = {"state": TaskState.COMPLETED if done else TaskState.CANCELLED, "completed_at": now}
    row = session.identity_map.get(identity_key(HumanTask, task_id))
    offers.withdraw(session, task_id)
    if done and completed_by is not None:
        values["completed_by"] = completed_by.id
        if row is not None and row.assignee_id is None:
            values["assignee_id"] = completed_by.id  # whoever completes an unclaimed task holds it
    if row is None:
        close_unloaded(session, HumanTask, task_id, {"state": TaskState.READY}, values)
        return
    write_versioned(session, row, values)
    if values.get("assignee_id") is not None:
        attributes.set_committed_value(row, "assignee", completed_by)


def project_timers(engine: Engine, instance: ProcessInstance, workflow, now: datetime) -> None:
    session = engine.session()
    query = select(Timer).where(Timer.instance_id == instance.id, Timer.status == TimerStatus.PENDING)
    with session.no_autoflush:
        pending = {row.task_id: row for row in session.scalars(query)}
    for task, due in waiting_timers(workflow):
        row = pending.pop(str(task.id), None)
        if row is not None:
            if row.due_at != due:  # a cycle timer fired and moved on to its next occurrence
                _audit_fired(session, instance, row, now)
                row.due_at = due
            continue
        session.add(
            Timer(
                instance_id=instance.id, task_id=str(task.id), element_id=task.task_spec.bpmn_id,
                due_at=due, status=TimerStatus.PENDING, created_at=now,
            )
        )
    for task_id, row in pending.items():
        spiff_task = find_task(workflow, task_id)
        # Fired: its event ran, or (a cycle timer with no occurrences left) its last one fell due.
        fired = spiff_task is not None and spiff_task.state != SpiffState.CANCELLED and (
            spiff_task.state in (SpiffState.COMPLETED, SpiffState.READY) or row.due_at <= now
        )
        row.status = TimerStatus.FIRED if fired else TimerStatus.CANCELLED
        row.fired_at = now if fired else None
        if fired:
            _audit_fired(session, instance, row, now)


def _audit_fired(session, instance: ProcessInstance, row: Timer, now: datetime) -> None:
    audit.record(
        session, now, "system", "timer_fired", instance_id=instance.id, task_id=row.task_id,
        data={"element_id": row.element_id, "due_at": row.due_at.isoformat()},
    )


def project_waits(engine: Engine, instance: ProcessInstance, workflow, now: datetime) -> list[MessageWait]:
    """Returns the waits that are new with this change (buffered messages may be waiting for them)."""
    session = engine.session()
    with session.no_autoflush:
        existing = {
            row.task_id: row
            for row in session.scalars(select(MessageWait).where(MessageWait.instance_id == instance.id))
        }
    new_rows = []
    for wait in messages.waits(workflow):
        task_id = str(wait.task.id)
        row = existing.pop(task_id, None)
        if row is not None:
            if row.correlation_key != wait.correlation_key:
                row.correlation, row.correlation_key = wait.correlation, wait.correlation_key
                row.property_set = wait.property_set
            continue
        row = MessageWait(
            instance_id=instance.id, task_id=task_id, element_id=wait.task.task_spec.bpmn_id, name=wait.name,
            property_set=wait.property_set, correlation_key=wait.correlation_key, correlation=wait.correlation,
            created_at=now,
        )
        session.add(row)
        new_rows.append(row)
    for row in existing.values():
        session.delete(row)
    return new_rows
