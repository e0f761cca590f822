"""Budget checks inside SpiffWorkflow's own task specs, where no callback reaches.

A multi-instance activity creates all its instances, and a call activity its subprocess, while
the task before them completes — before `do_engine_steps` hands us the task. So, as for timers
(`engine.timers`), the parsed specs' classes are swapped for subclasses that check the budgets
first; the spec is never serialized, so stored state does not see the swap.
"""

from __future__ import annotations

import ast
from collections.abc import Sized
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.budgets import budgets_of, refuse


class _BoundedMultiInstance:
    """Refuses to create more instances than `max_multi_instance` (before creating any)."""

    def _update_hook(self, my_task):
        cap = budgets_of(my_task.workflow).max_multi_instance
        count = self._instance_count(my_task)
        if count is not None and count > cap:
            raise refuse(
                my_task, f"multi-instance would start {count} instances, more than the budget of {cap}",
            )
        return super()._update_hook(my_task)

    def _instance_count(self, my_task) -> int | None:
        if self.data_input is not None:
            try:
                items = self.data_input.get(my_task)
            except SpiffWorkflowException:
                return None  # a missing input: SpiffWorkflow reports it in its own words
            return len(items) if isinstance(items, Sized) else None
        value = my_task.workflow.script_engine.evaluate(my_task, self.cardinality)
        return value if isinstance(value, int) else None


class _BoundedSubprocess:
    """Refuses to open a subprocess deeper than `max_subprocess_depth`."""

    def _update_hook(self, my_task):
        top = my_task.workflow.top_workflow
        if top.subprocesses.get(my_task.id) is None:
            limit = budgets_of(my_task.workflow).max_subprocess_depth
            if my_task.workflow.depth + 1 > limit:
                raise refuse(
                    my_task,
                    f"subprocess {self.spec!r} would run {my_task.workflow.depth + 1} levels deep, "
                    f"more than the budget of {limit}",
                )
        return super()._update_hook(my_task)


_GUARDS = ((MultiInstanceTask, _BoundedMultiInstance), (SubWorkflowTask, _BoundedSubprocess))
_SUBCLASSES: dict[type, type] = {}


def _guarded(cls: type) -> type | None:
    if cls in _SUBCLASSES.values():
        return None  # already swapped (a spec shared by two processes of one bundle)
    for base, guard in _GUARDS:
        if issubclass(cls, base):
            if cls not in _SUBCLASSES:
                _SUBCLASSES[cls] = type(f"Bounded{cls.__name__}", (guard, cls), {})
            return _SUBCLASSES[cls]
    return None


def use_budgets(spec: Any, subprocess_specs: dict) -> None:
    for one_spec in [spec, *subprocess_specs.values()]:
        for task_spec in one_spec.task_specs.values():
            replacement = _guarded(type(task_spec))
            if replacement is not None:
                task_spec.__class__ = replacement


def literal_cardinality(task_spec: Any) -> int | None:
    """A multi-instance cardinality written as a number (`2000`), for the deployment check."""
    cardinality = getattr(task_spec, "cardinality", None)
    if not isinstance(task_spec, MultiInstanceTask) or not isinstance(cardinality, str):
        return None
    try:
        node = ast.parse(cardinality.strip(), mode="eval").body
    except SyntaxError:
        return None
    return node.value if isinstance(node, ast.Constant) and type(node.value) is int else None
