"""How many running instances of one process version wait at each element: read from the
projection tables (the task inbox, the pending timers, the message waits, the open incidents),
never by loading the workflows, so the count of a version with ten thousand cases costs one
grouped query."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select, union_all

from engine.errors import N_, NotFound, PermissionDenied
from engine.models import (
    HumanTask,
    Incident,
    IncidentStatus,
    InstanceStatus,
    MessageWait,
    ProcessDefinition,
    ProcessInstance,
    TaskState,
    Timer,
    TimerStatus,
    User,
)
from engine.roles import ADMIN, PROCESS_ANALYST

if TYPE_CHECKING:
    from engine.services.engine import Engine


def may_read_counts(actor: User) -> bool:
    """Counts name no case, but they are the analysts' and admins' view of the processes."""
    return actor.holds(ADMIN) or actor.holds(PROCESS_ANALYST)


def element_counts(engine: Engine, actor: User, process_id: str, version: int) -> dict[str, int]:
    """{element id: number of running instances waiting there}; an element absent waits nobody.
    An instance counts once per element even when it waits there on several tokens."""
    session = engine.session()
    definition_id = session.scalar(
        select(ProcessDefinition.id).where(
            ProcessDefinition.process_id == process_id, ProcessDefinition.version == version
        )
    )
    if definition_id is None:
        raise NotFound(
            N_("process %(process_id)s has no version %(version)s"), params={"process_id": process_id, "version": version}
        )
    # After the 404, as every API answer orders them (the versions are listed to everyone anyway).
    if not may_read_counts(actor):
        raise PermissionDenied(N_("instance counts need the process_analyst or admin role"))
    running = select(ProcessInstance.id).where(
        ProcessInstance.definition_id == definition_id,
        ProcessInstance.status.in_((InstanceStatus.RUNNING, InstanceStatus.ERROR)),
    )
    waits = union_all(
        # A ready inbox row is closed by the change that ends its case (the projection), so
        # ready rows belong to running cases without asking the instances table.
        select(HumanTask.instance_id, HumanTask.element_id).where(
            HumanTask.definition_id == definition_id, HumanTask.state == TaskState.READY
        ),
        select(Timer.instance_id, Timer.element_id).where(
            Timer.status == TimerStatus.PENDING, Timer.instance_id.in_(running)
        ),
        select(MessageWait.instance_id, MessageWait.element_id).where(MessageWait.instance_id.in_(running)),
        select(Incident.instance_id, Incident.element_id).where(
            Incident.status == IncidentStatus.OPEN, Incident.element_id.is_not(None), Incident.instance_id.in_(running)
        ),
    ).subquery()
    rows = session.execute(
        select(waits.c.element_id, func.count(waits.c.instance_id.distinct())).group_by(waits.c.element_id)
    )
    return {element_id: count for element_id, count in rows}
