"""Event-based gateways: several events race, the first to arrive picks the branch.

SpiffWorkflow moves the racing events' definitions onto the gateway (one waiting task with a
"multiple" event definition) and keeps one MAYBE child task per branch. The platform tracks each
racing event on its branch's child task (a stable id with the branch's element), so the timers
table and the message index hold one row per racing event; when one event arrives the gateway
drops the other branches, and with them their rows (timers cancelled, waits removed) in the same
transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.util.task import TaskState


def is_event_gateway(task) -> bool:
    return type(task.task_spec).__name__ == "EventBasedGateway"


def racing_branches(gateway) -> Iterator[tuple[Any, Any]]:
    """(branch task, its event definition) for a waiting event-based gateway."""
    if gateway.state != TaskState.WAITING or not is_event_gateway(gateway):
        return
    definitions = gateway.task_spec.event_definition.event_definitions
    for index, child in enumerate(gateway.children):
        if index < len(definitions):
            yield child, definitions[index]


def race_of(task) -> tuple[Any, Any] | None:
    """(gateway, event definition) when `task` is a branch of a waiting event-based gateway."""
    parent = task.parent
    if parent is None or not is_event_gateway(parent) or parent.state != TaskState.WAITING:
        return None
    for child, definition in racing_branches(parent):
        if child is task:
            return parent, definition
    return None


def branch_keys(task_spec) -> None:
    """Give each racing timer its own slots in the gateway task's internal data: two timers on
    one gateway must not share a due time or a 'fired' flag."""
    if not is_event_gateway_spec(task_spec):
        return
    for index, definition in enumerate(task_spec.event_definition.event_definitions):
        definition.value_key = f"event_value:{index}"
        definition.fired_key = f"event_fired:{index}"


def is_event_gateway_spec(task_spec) -> bool:
    return type(task_spec).__name__ == "EventBasedGateway"
