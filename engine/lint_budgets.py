"""Deployment checks for what would certainly break an execution budget at run time.

A literal multi-instance cardinality over the cap, and a call activity that calls its own
process (directly or through other processes of the same deployment), are refused with the
element named; what is only known at run time is stopped there (`engine.budgets`).
"""

from __future__ import annotations

from collections.abc import Iterator

from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask

from engine.budgets import ExecutionBudgets
from engine.bundle import ParsedBundle
from engine.problems import Problem
from engine.spec_guards import literal_cardinality


def budget_problems(bundle: ParsedBundle, budgets: ExecutionBudgets) -> Iterator[Problem]:
    specs = _all_specs(bundle)
    calls: dict[str, list[tuple[str, str]]] = {}  # process → [(call activity, called process)]
    for spec_name, spec in specs.items():
        for task_spec in spec.task_specs.values():
            element = getattr(task_spec, "bpmn_id", None)
            if element is None:
                continue
            cardinality = literal_cardinality(task_spec)
            if cardinality is not None and cardinality > budgets.max_multi_instance:
                yield _problem(
                    bundle, element,
                    f"multi-instance cardinality {cardinality} is over the budget of {budgets.max_multi_instance} instances",
                )
            if isinstance(task_spec, SubWorkflowTask):
                calls.setdefault(spec_name, []).append((element, task_spec.spec))
    yield from _call_cycles(bundle, calls)


def _all_specs(bundle: ParsedBundle) -> dict:
    specs: dict = {}
    for process in bundle.processes:
        specs.setdefault(process.spec.name, process.spec)
        for name, spec in process.subprocess_specs.items():
            specs.setdefault(name, spec)
    return specs


def _call_cycles(bundle: ParsedBundle, calls: dict[str, list[tuple[str, str]]]) -> Iterator[Problem]:
    """Each call activity from which its own process can be reached again."""
    for caller, edges in calls.items():
        for element, called in edges:
            path = _path(calls, called, caller)
            if path is not None:
                chain = " → ".join([caller, *path])
                yield _problem(
                    bundle, element,
                    f"call activity calls {called!r}, which leads back to {caller!r} ({chain}): "
                    "a process may not call itself, directly or through others",
                )


def _path(calls: dict[str, list[tuple[str, str]]], start: str, goal: str) -> list[str] | None:
    """The processes from `start` to `goal` along call activities, or None (breadth first)."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    while queue:
        current = queue.pop(0)
        if current == goal:
            path = [current]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for _element, called in calls.get(current, []):
            if called not in previous:
                previous[called] = current
                queue.append(called)
    return None


def _problem(bundle: ParsedBundle, element: str, message: str) -> Problem:
    file_name = bundle.element_files.get(element)
    line = bundle.element_lines.get((file_name, element)) if file_name else None
    return Problem(file_name, element, line, message)
