"""Execution budgets: how far one change to a case may go before the engine stops it.

A deployed model is untrusted input. Whatever it contains, one change (a request, a fired timer,
a delivered message) runs a bounded number of engine steps in a bounded wall time, nests
subprocesses only so deep and fans out multi-instance activities only so wide. Going past a
budget stops that case with an incident naming the budget; other cases never notice.

The budgets reach SpiffWorkflow's task specs (timers, multi-instance, call activities) through
the workflow's script engine, the one object every spec can see; `Engine` puts them there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.util.task import TaskState

from engine.errors import BudgetExceeded


@dataclass(frozen=True)
class ExecutionBudgets:
    max_steps_per_change: int = 10_000
    max_change_seconds: float = 10.0
    max_subprocess_depth: int = 10
    max_multi_instance: int = 200
    max_timer_years: float = 100.0
    min_timer_cycle_seconds: float = 60.0
    max_timer_repetitions: int = 1_000_000


DEFAULT_BUDGETS = ExecutionBudgets()
# SpiffWorkflow's task iterator looks no deeper than 1,000 tasks along one path, and every turn
# of a loop adds to the path: past that, the next task exists but is never found, and the case
# would stop silently. Stop it a little before, with an incident that says so.
MAX_TASK_DEPTH = 990


def budgets_of(workflow: Any) -> ExecutionBudgets:
    """The budgets of the engine running `workflow` (a subprocess reaches its top workflow's)."""
    budgets = getattr(getattr(workflow, "script_engine", None), "budgets", None)
    return budgets if isinstance(budgets, ExecutionBudgets) else DEFAULT_BUDGETS


def element_of(task: Any) -> str | None:
    spec = getattr(task, "task_spec", None)
    return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)


def refuse(task: Any, message: str) -> BudgetExceeded:
    """Put `task` into ERROR (so the incident names it and an admin can retry or skip it) and
    return the error to raise."""
    if task.state != TaskState.ERROR:
        task.error()
    return BudgetExceeded(message, element_id=element_of(task), task_id=str(task.id))


class Meter:
    """Counts the engine steps of one change against its step and wall-time budgets.

    Its `before_step` is handed to `do_engine_steps` as `will_complete_task`: the task about to run
    is the one that gets the incident, so a retry continues from exactly there with a fresh budget.
    Wall time is real elapsed time (`time.monotonic`), not the engine's clock: it bounds how long
    a worker is held, whatever time the case thinks it is.
    """

    def __init__(self, budgets: ExecutionBudgets) -> None:
        self.budgets = budgets
        self.steps = 0
        self.started = time.monotonic()

    def before_step(self, task: Any) -> None:
        self.steps += 1
        if self.steps > self.budgets.max_steps_per_change:
            raise refuse(
                task,
                f"the change went past the step budget ({self.budgets.max_steps_per_change} engine steps): "
                "the model probably loops without waiting for anyone",
            )
        if task.depth >= MAX_TASK_DEPTH:
            raise refuse(
                task,
                f"the case's path has grown to {task.depth} tasks (a loop turned about {task.depth // 2} times or more): "
                "the engine cannot follow a path longer than 1,000 tasks",
            )
        elapsed = time.monotonic() - self.started
        if elapsed > self.budgets.max_change_seconds:
            raise refuse(
                task,
                f"the change went past the wall-time budget ({self.budgets.max_change_seconds:g} s, "
                f"{self.steps - 1} engine steps run)",
            )


def can_move(workflow: Any) -> bool:
    """Whether anything can still move a case that has not ended: a task ready to run or be
    worked on, one running or failed (an incident), or an event (timer, message, signal) that
    waits. A join gateway waiting for a branch that can never arrive moves nothing."""
    if workflow.get_next_task(state=TaskState.READY | TaskState.STARTED | TaskState.ERROR) is not None:
        return True
    return any(
        getattr(task.task_spec, "event_definition", None) is not None
        for task in workflow.get_tasks(state=TaskState.WAITING)
    )


def stuck_element(workflow: Any) -> str | None:
    """The waiting element that holds a stuck case (a join, typically), for the incident."""
    return element_of(workflow.get_next_task(state=TaskState.WAITING))
