"""Loading, advancing and saving one instance's workflow inside a service transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import select

from engine import audit
from engine.budgets import Meter, budgets_of, can_move, stuck_element
from engine.business_errors import cancel_stopped_services
from engine.errors import N_, BusinessErrorCaught, Conflict, EngineError, InvalidInput
from engine.models import (
    Incident,
    IncidentStatus,
    InstanceStatus,
    Message,
    MessageWait,
    ProcessInstance,
    User,
)
from engine.pruning import prune, tree_depth
from engine.serialization import dump_state, load_state, to_plain
from engine.service_registry import INSTANCE_ATTRIBUTE
from engine.services.projections import find_task, project_tasks, project_timers, project_waits
from engine.services.writes import write_versioned
from engine.specs import LoadedDefinition

if TYPE_CHECKING:
    from engine.services.engine import Engine

__all__ = ["Failure", "advance", "find_task", "fire_timers", "load_workflow", "open_incident", "run_task", "save"]
STUCK = "the case is stuck: nothing can move it (no task is ready, no event waits and it has not ended)"
# SpiffWorkflow's task walks stop at depth 1,000 and then miss the tasks below: a tree that deep
# even after pruning (a model whose every round leaves a join behind) must stop the case openly.
MAX_TREE_DEPTH = 900
TOO_DEEP = "the case's task tree is too deep to run further (more than 900 levels even after pruning)"


@dataclass(frozen=True)
class Failure:
    """Why an instance stopped: the text a person reads, and where."""

    message: str
    task_id: str | None = None
    element_id: str | None = None
    operation: str | None = None


@dataclass
class Saved:
    new_waits: list[MessageWait] = field(default_factory=list)
    outbox: list[Message] = field(default_factory=list)
    workflow: BpmnWorkflow | None = None  # the workflow as stored (the one given, unless refused)


def load_workflow(engine: Engine, instance: ProcessInstance) -> tuple[BpmnWorkflow, LoadedDefinition]:
    session = engine.session()
    definition = engine.specs.get(session, instance.definition_id)
    workflow = engine.workflows.checkout(instance.id, instance.lock_version)
    if workflow is None:
        workflow = load_state(_state_at(engine, instance), definition.spec, definition.subprocess_specs)
        workflow.script_engine = engine.script_engine
        setattr(workflow, INSTANCE_ATTRIBUTE, instance.id)
    return workflow, definition


def _state_at(engine: Engine, instance: ProcessInstance) -> str:
    """The stored state of exactly the version of the row that was read. The state is loaded
    apart from the row (a deferred column): a change committed in between may have moved the case
    to another process version (engine.services.migrations), whose state this version's spec
    cannot read. Such a reader loses its race anyway, so it is told so now."""
    row = engine.session().execute(
        select(ProcessInstance.state, ProcessInstance.lock_version).where(ProcessInstance.id == instance.id)
    ).first()
    if row is None or row.lock_version != instance.lock_version:
        raise Conflict(N_("the case was changed at the same time by someone else"), instance_id=instance.id)
    return row.state


def advance(workflow: BpmnWorkflow, meter: Meter | None = None) -> Failure | None:
    """Run everything the engine can run on its own, within the change's step and wall-time
    budgets. A failure is returned, not raised: it must put the instance into `error` without
    losing the change that led to it. A business error that a boundary event took is no failure:
    the case goes on along the boundary's path."""
    meter = meter or Meter(budgets_of(workflow))
    while True:
        try:
            workflow.do_engine_steps(will_complete_task=meter.before_step)
        except (EngineError, SpiffWorkflowException) as err:
            if _business_error_caught(err):
                cancel_stopped_services(workflow)
                continue
            return failure_of(workflow, err)
        break
    if not workflow.completed and not can_move(workflow):
        element = stuck_element(workflow)
        return Failure(f"element {element}: {STUCK}" if element else STUCK, None, element)
    return None


def _business_error_caught(err: BaseException) -> bool:
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, BusinessErrorCaught):
            return True
        cause = cause.__cause__
    return False


def run_task(workflow: BpmnWorkflow, task) -> Failure | None:
    """Run one task (a completion or a retry), then advance; both count against one budget."""
    meter = Meter(budgets_of(workflow))
    try:
        task.run()
    except (EngineError, SpiffWorkflowException) as err:
        if _business_error_caught(err):
            cancel_stopped_services(workflow)
            return advance(workflow, meter)
        if task.state != SpiffState.ERROR:
            task.error()
        return failure_of(workflow, err)
    return advance(workflow, meter)


def fire_timers(workflow: BpmnWorkflow) -> Failure | None:
    """Let due timers fire, then advance: one change, one budget."""
    meter = Meter(budgets_of(workflow))
    try:
        workflow.refresh_timers()
    except (EngineError, SpiffWorkflowException) as err:
        return failure_of(workflow, err)
    return advance(workflow, meter)


def failure_of(workflow: BpmnWorkflow, err: BaseException) -> Failure:
    cause = err
    while not isinstance(cause, EngineError) and cause.__cause__ is not None:
        cause = cause.__cause__
    errored = workflow.get_tasks(state=SpiffState.ERROR)
    task = errored[-1] if errored else getattr(err, "task", None)
    element = task.task_spec.bpmn_id if task is not None else None
    if isinstance(cause, EngineError):
        text = cause.message
        element = cause.element_id or element
        if cause.line:
            text = f"{text} (line {cause.line})"
    else:
        text = str(err)
    where = f"element {element}: " if element else ""
    return Failure(f"{where}{text}", str(task.id) if task is not None else None, element, getattr(cause, "operation", None))


def workflow_data(workflow: BpmnWorkflow) -> dict:
    data = dict(workflow.data)
    latest = _latest_task(workflow) if not workflow.completed else None
    if latest is not None:
        data.update(latest.data)
    return to_plain(data)


def _latest_task(workflow: BpmnWorkflow):
    """The task that changed last, in the case or in a running embedded subprocess: while a phase
    runs, its tasks hold the case's current data (the outer workflow's last task is the one that
    entered the phase)."""
    latest = workflow.last_task
    for sub in workflow.get_active_subprocesses():
        candidate = sub.last_task
        if candidate is not None and (latest is None or candidate.last_state_change > latest.last_state_change):
            latest = candidate
    return latest


def save(
    engine: Engine,
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    now: datetime,
    failure: Failure | None,
    completed_by: User | None = None,
    ready_before: set[str] | None = None,
) -> Saved:
    session = engine.session()
    saved = Saved(workflow=workflow)
    # Taken before the state is written: a message thrown is sent once, not again on every load.
    # One the catalogue refuses (sender, payload) stops the sender with an incident.
    saved.outbox, refused = engine.messages.outbox(instance, workflow, now)
    failure = failure or _prune(workflow, ready_before)
    try:
        values: dict = {"state": dump_state(workflow), "data": workflow_data(workflow), "updated_at": now}
    except EngineError as err:
        # The change produced data that cannot be stored (a number of thousands of digits): it
        # is not kept, nor the messages it threw, and the case stays as it was, with an incident.
        if instance.state is None:
            raise InvalidInput(err.template, params=err.params) from err
        for row in saved.outbox:
            session.expunge(row)
        saved.outbox, refused = [], None
        failure = Failure(f"the change was not kept: {err.message}")
        workflow = saved.workflow = _stored_workflow(engine, instance)
        values = {"updated_at": now}
    failure = failure or refused
    if failure is not None:
        open_incident(engine, instance, failure, now)
        values.update(status=InstanceStatus.ERROR, error_message=failure.message)
    elif workflow.completed:
        values.update(status=InstanceStatus.COMPLETED, ended_at=now)
    elif instance.status == InstanceStatus.ERROR and not _has_open_incident(engine, instance.id):
        values.update(status=InstanceStatus.RUNNING, error_message=None)
    write_versioned(session, instance, values)
    definition = engine.specs.get(session, instance.definition_id)
    project_tasks(engine, instance, workflow, now, completed_by, ready_before)
    if definition.has_timers:
        project_timers(engine, instance, workflow, now)
    if definition.has_message_catches:
        saved.new_waits = project_waits(engine, instance, workflow, now)
    return saved


def _prune(workflow: BpmnWorkflow, ready_before: set[str] | None) -> Failure | None:
    """Drop the finished history from the tree (the audit table keeps it); the inbox rows being
    closed look their tasks up, so those stay."""
    prune(workflow, keep=(uuid.UUID(task_id) for task_id in ready_before or ()))
    if len(workflow.tasks) > MAX_TREE_DEPTH and tree_depth(workflow) > MAX_TREE_DEPTH:
        return Failure(TOO_DEEP)
    return None


def _stored_workflow(engine: Engine, instance: ProcessInstance) -> BpmnWorkflow:
    definition = engine.specs.get(engine.session(), instance.definition_id)
    workflow = load_state(instance.state, definition.spec, definition.subprocess_specs)
    workflow.script_engine = engine.script_engine
    setattr(workflow, INSTANCE_ATTRIBUTE, instance.id)
    return workflow


def _has_open_incident(engine: Engine, instance_id: str) -> bool:
    query = select(Incident.id).where(Incident.instance_id == instance_id, Incident.status == IncidentStatus.OPEN)
    return engine.session().scalar(query.limit(1)) is not None


def open_incident(engine: Engine, instance: ProcessInstance, failure: Failure, now: datetime) -> None:
    session = engine.session()
    existing = session.scalar(
        select(Incident).where(
            Incident.instance_id == instance.id, Incident.status == IncidentStatus.OPEN, Incident.task_id == failure.task_id
        )
    )
    if existing is not None:
        return  # a failed retry updates its own incident (see IncidentService)
    operation = engine.operations.get(failure.operation) if failure.operation else None
    max_attempts = operation.max_attempts if operation else 1
    incident = Incident(
        id=str(uuid.uuid4()), instance_id=instance.id, task_id=failure.task_id, element_id=failure.element_id,
        operation=failure.operation, message=failure.message, status=IncidentStatus.OPEN, attempts=1,
        max_attempts=max_attempts, next_retry_at=(now + operation.retry_delay(1)) if operation and max_attempts > 1 else None,
        created_at=now, updated_at=now,
    )
    session.add(incident)
    audit.record(
        session, now, "system", "incident_opened", instance_id=instance.id, task_id=failure.task_id,
        data={"incident_id": incident.id, "message": failure.message, "operation": failure.operation},
    )
