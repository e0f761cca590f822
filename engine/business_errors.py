"""Handing a service handler's BpmnError to the error boundary event that catches it."""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine.errors import BpmnError
from engine.serialization import to_plain


def hand_to_boundary(task, error: BpmnError) -> bool:
    """True when an error boundary event of `task` took the error: the one naming its code, else a
    catch-all. The boundary's path receives `error = {"code", "message", "data"}` in its data."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return False
    catchers = [
        sibling for sibling in parent.children
        if sibling is not task and sibling.state == TaskState.WAITING
        and isinstance(getattr(sibling.task_spec, "event_definition", None), ErrorEventDefinition)
        and sibling.task_spec.event_definition.code in (None, "", error.code)
    ]
    if not catchers:
        return False
    catcher = min(catchers, key=lambda s: s.task_spec.event_definition.code in (None, ""))
    details = {"code": error.code, "message": error.message, "data": to_plain(error.data)}
    catcher.task_spec.event_definition.catch(catcher, BpmnEvent(catcher.task_spec.event_definition, payload=details))
    catcher.data["error"] = details
    catcher.task_spec._update(catcher)
    return True


def cancel_stopped_services(workflow) -> None:
    """A service task whose business error went to a boundary event ends cancelled, not failed."""
    for task in workflow.get_tasks(state=TaskState.ERROR):
        if task.internal_data.pop("business_error_caught", False):
            task._set_state(TaskState.CANCELLED)
