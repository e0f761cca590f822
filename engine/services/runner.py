"""Loading, advancing and saving one instance's workflow inside a service transaction."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import select

from engine.errors import EngineError
from engine.models import HumanTask, InstanceStatus, ProcessInstance, TaskState
from engine.roles import role_for_lane
from engine.serialization import dump_state, load_state, to_plain
from engine.specs import LoadedDefinition

if TYPE_CHECKING:
    from engine.services.engine import Engine


def load_workflow(engine: Engine, instance: ProcessInstance) -> tuple[BpmnWorkflow, LoadedDefinition]:
    session = engine.session()
    definition = engine.specs.get(session, instance.definition_id)
    workflow = engine.workflows.checkout(instance.id, instance.lock_version)
    if workflow is None:
        workflow = load_state(instance.state, definition.spec, definition.subprocess_specs)
        workflow.script_engine = engine.script_engine
    return workflow, definition


def advance(workflow: BpmnWorkflow) -> str | None:
    """Run everything the engine can run on its own; return an error message instead of raising,
    because a failing script must put the instance into `error`, not lose the change that led to
    it."""
    try:
        workflow.do_engine_steps()
    except (EngineError, SpiffWorkflowException) as err:
        return describe_error(err)
    return None


def describe_error(err: BaseException) -> str:
    cause = err
    while not isinstance(cause, EngineError) and cause.__cause__ is not None:
        cause = cause.__cause__
    if isinstance(cause, EngineError):
        return str(cause)
    task = getattr(err, "task", None)
    where = f" (element {task.task_spec.bpmn_id})" if task is not None else ""
    return f"{err}{where}"


def workflow_data(workflow: BpmnWorkflow) -> dict:
    data = dict(workflow.data)
    if not workflow.completed and workflow.last_task is not None:
        data.update(workflow.last_task.data)
    return to_plain(data)


def save(
    engine: Engine,
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    definition: LoadedDefinition,
    now: datetime,
    error: str | None,
    completed_by: int | None = None,
) -> None:
    instance.state = dump_state(workflow)
    instance.data = workflow_data(workflow)
    instance.updated_at = now
    if error is not None:
        instance.status = InstanceStatus.ERROR
        instance.error_message = error
    elif workflow.completed:
        instance.status = InstanceStatus.COMPLETED
        instance.ended_at = now
    project_tasks(engine, instance, workflow, definition, now, completed_by)


def project_tasks(
    engine: Engine,
    instance: ProcessInstance,
    workflow: BpmnWorkflow,
    definition: LoadedDefinition,
    now: datetime,
    completed_by: int | None,
) -> None:
    """Bring the inbox rows of this instance in line with the workflow's ready manual tasks."""
    session = engine.session()
    open_rows = {
        row.id: row
        for row in session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == TaskState.READY)
        )
    }
    for task in workflow.get_tasks(state=SpiffState.READY, manual=True):
        task_id = str(task.id)
        if open_rows.pop(task_id, None) is not None:
            continue
        spec = task.task_spec
        props = (getattr(spec, "extensions", None) or {}).get("properties", {})
        lane = getattr(spec, "lane", None)
        session.add(
            HumanTask(
                id=task_id, instance_id=instance.id, definition_id=instance.definition_id, process_id=instance.process_id,
                process_version=instance.process_version, element_id=spec.bpmn_id,
                name=spec.bpmn_name or spec.bpmn_id, lane=lane, role=role_for_lane(lane),
                business_key=instance.business_key, form_file=props.get("formJsonSchemaFilename"),
                ui_form_file=props.get("formUiSchemaFilename"), state=TaskState.READY, created_at=now,
            )
        )
    for task_id, row in open_rows.items():
        spiff_task = find_task(workflow, task_id)
        if spiff_task is not None and spiff_task.state == SpiffState.COMPLETED:
            row.state = TaskState.COMPLETED
            row.completed_by = completed_by
        else:
            row.state = TaskState.CANCELLED
        row.completed_at = now


def _uuid(task_id: str):
    from uuid import UUID

    return UUID(task_id)


def find_task(workflow: BpmnWorkflow, task_id: str):
    try:
        return workflow.get_task_from_id(_uuid(task_id))
    except (ValueError, SpiffWorkflowException):
        return None
