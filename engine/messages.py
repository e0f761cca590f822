"""Message events inside one workflow: what it waits for, delivering to one waiting task, and
what it threw for other instances.

Routing between instances is ours (SpiffWorkflow accepts any message of the right name when an
instance has no correlation values yet): a wait is indexed by its name and by the values its
correlation properties take on the waiting task's data, and a message reaches a wait only when
every one of those values equals the value the message carries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from engine import gateways
from engine.errors import EngineError
from engine.serialization import to_plain


@dataclass(frozen=True)
class Wait:
    task: Any
    name: str
    correlation: dict[str, Any]

    @property
    def property_set(self) -> str:
        return property_set(self.correlation)

    @property
    def correlation_key(self) -> str:
        return canonical(self.correlation)


def canonical(value: Any) -> str:
    return json.dumps(to_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def property_set(correlation: dict) -> str:
    return ",".join(sorted(correlation))


def body_digest(name: str, correlation: dict, payload: Any) -> str:
    return hashlib.sha256(canonical({"name": name, "correlation": correlation, "payload": payload}).encode()).hexdigest()


def _is_message_wait(task) -> bool:
    event = getattr(task.task_spec, "event_definition", None)
    return task.state == TaskState.WAITING and isinstance(event, MessageEventDefinition)


def is_waiting(task) -> bool:
    """Whether a message can still be delivered to this task (a message catch, or a message's
    branch at a waiting event-based gateway)."""
    race = gateways.race_of(task)
    if race is not None:
        return isinstance(race[1], MessageEventDefinition)
    return _is_message_wait(task)


def waits(workflow) -> list[Wait]:
    """Every waiting message catch (receive tasks, catch and boundary events, message starts, and
    messages racing at an event-based gateway, each on its branch's task)."""
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if gateways.is_event_gateway(task):
            for branch, event in gateways.racing_branches(task):
                if isinstance(event, MessageEventDefinition):
                    found.append(Wait(branch, event.name, _wait_correlation(workflow, task, event)))
            continue
        if not _is_message_wait(task):
            continue
        event = task.task_spec.event_definition
        found.append(Wait(task, event.name, _wait_correlation(workflow, task, event)))
    return found


def _wait_correlation(workflow, task, event) -> dict[str, Any]:
    """Each correlation property's retrieval expression, evaluated on the waiting task's data.

    A value that cannot be computed (the variable is not there yet) is stored as None, which no
    posted value equals: a wait that does not know its case accepts no case's message.
    """
    values: dict[str, Any] = {}
    for prop in event.correlation_properties:
        try:
            values[prop.name] = workflow.script_engine.environment.evaluate(prop.retrieval_expression, task.data)
        except EngineError:
            values[prop.name] = None
    return to_plain(values)


def start_at_message(workflow, name: str) -> bool:
    """Make a new workflow begin at its message start event for `name`, when it has one.

    SpiffWorkflow runs every start event of a process at once: a plain (none) start is done in the
    first step and its join cancels the others, so a process with both a plain and a message start
    would always take the plain one, and the message would find no start event waiting. The plain
    starts are cancelled before the first step; timer and other message starts are left to race
    as the library lets them. Whether a start event for `name` was found."""
    starts = [task for task in workflow.get_tasks() if isinstance(task.task_spec, StartEvent)]
    if not any(_catches(task.task_spec, name) for task in starts):
        return False
    for task in starts:
        if isinstance(task.task_spec.event_definition, NoneEventDefinition) and not task.has_state(TaskState.FINISHED_MASK):
            task.cancel()
    return True


def _catches(spec, name: str) -> bool:
    event = getattr(spec, "event_definition", None)
    return isinstance(event, MessageEventDefinition) and event.name == name


def deliver(task, payload: Any, correlation: dict) -> None:
    """Hand a matched message to one waiting task, as SpiffWorkflow's own catch would, without
    re-deriving correlation from the payload (the match was decided by the index)."""
    race = gateways.race_of(task)
    event_definition = race[1] if race is not None else task.task_spec.event_definition
    keys: dict[str, dict] = {}
    for prop in event_definition.correlation_properties:
        for key in prop.correlation_keys:
            keys.setdefault(key, {})[prop.name] = correlation.get(prop.name)
    event = BpmnEvent(event_definition, payload=payload, correlations=keys)
    if race is not None:
        # The gateway catches it; the next engine step runs this branch and drops the others.
        gateway = race[0]
        gateway.task_spec.event_definition.catch(gateway, event)
        task.workflow.correlations.update(keys)
        gateway.task_spec._update(gateway)
        return
    event_definition.update_internal_data(task, event)
    task.workflow.correlations.update(keys)
    task._set_internal_data(event_fired=True)
    task._set_state(TaskState.WAITING)
    task.task_spec._update(task)


@dataclass(frozen=True)
class Thrown:
    name: str
    correlation: dict
    payload: Any


def thrown(workflow) -> list[Thrown]:
    """Messages the workflow threw that no task of its own caught (they go to the outbox)."""
    out = []
    for event in workflow.get_events():
        if not isinstance(event.event_definition, MessageEventDefinition):
            continue
        flat: dict[str, Any] = {}
        for props in (event.correlations or {}).values():
            flat.update(props)
        out.append(Thrown(event.event_definition.name, to_plain(flat), to_plain(event.payload)))
    return out


def message_start_names(spec) -> list[str]:
    names = []
    for task_spec in spec.task_specs.values():
        event = getattr(task_spec, "event_definition", None)
        if type(task_spec).__name__ == "StartEvent" and isinstance(event, MessageEventDefinition):
            names.append(event.name)
    return sorted(set(names))
