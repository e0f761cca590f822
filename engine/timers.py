"""Timer events that read the engine's clock instead of the wall clock.

SpiffWorkflow 3.2 computes and checks timer due times with `datetime.now()`. The parsed specs'
timer definitions are swapped for these subclasses (the spec is never serialized, so the swap is
invisible to stored state), and they ask the workflow's script engine for its clock: tests move
time instead of sleeping, and every web process agrees with the timers table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.util.task import TaskState

from engine import gateways
from engine.budgets import budgets_of, refuse
from engine.timer_bounds import timer_problem


def _now(my_task) -> datetime:
    clock = getattr(my_task.workflow.script_engine, "clock", None)
    return clock.now() if clock is not None else datetime.now(UTC)


def _bounded(my_task, kind: str, expression: str) -> str:
    """The timer's value, evaluated and checked against the budgets before SpiffWorkflow parses
    it (its per-month loop must never see a huge duration); a bad value stops this case with an
    incident on the timer."""
    value = my_task.workflow.script_engine.evaluate(my_task, expression)
    problem = timer_problem(kind, value, _now(my_task), budgets_of(my_task.workflow))
    if problem:
        raise refuse(my_task, f"timer {problem}")
    return value.strip()


class _Keys:
    """Where a timer keeps its due time and its 'fired' flag in the task's internal data. A timer
    racing at an event-based gateway gets keys of its own (engine.gateways.branch_keys)."""

    value_key = "event_value"
    fired_key = "event_fired"

    def _fired_when_due(self, my_task, event_value: str) -> bool:
        if TimerEventDefinition.get_datetime(event_value) <= _now(my_task):
            my_task.internal_data[self.fired_key] = True
        return my_task.internal_data.get(self.fired_key, False)


class ClockedTimeDate(_Keys, TimeDateEventDefinition):
    def has_fired(self, my_task) -> bool:
        event_value = my_task.internal_data.get(self.value_key)
        if event_value is None:
            event_value = _bounded(my_task, "date", self.expression)
            # Store a normalised UTC ISO string, so the timers table and the check agree.
            event_value = TimerEventDefinition.parse_time_or_duration(event_value).isoformat()
            my_task.internal_data[self.value_key] = event_value
        return self._fired_when_due(my_task, event_value)


class ClockedDuration(_Keys, DurationTimerEventDefinition):
    def has_fired(self, my_task) -> bool:
        event_value = my_task.internal_data.get(self.value_key)
        if event_value is None:
            expression = _bounded(my_task, "duration", self.expression)
            start = _now(my_task)
            duration = TimerEventDefinition.get_timedelta_from_start(
                TimerEventDefinition.parse_iso_duration(expression), start
            )
            event_value = (start + duration).isoformat()
            my_task.internal_data[self.value_key] = event_value
        return self._fired_when_due(my_task, event_value)


class ClockedCycle(_Keys, CycleTimerEventDefinition):
    def cycle_complete(self, my_task) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            expression = _bounded(my_task, "cycle", self.expression)
            cycles, start, duration = _recurring(expression, _now(my_task))
            event_value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= _now(my_task):
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def _recurring(expression: str, now: datetime) -> tuple[int, datetime, timedelta]:
    """`R2/PT1H` starts one interval from now by the engine's clock (SpiffWorkflow uses the wall
    clock for this form); forms with an explicit start or end are SpiffWorkflow's to parse."""
    components = expression.upper().replace("--", "/").strip("R").split("/")
    if len(components) == 2 and components[1].startswith("P"):
        cycles = int(components[0]) if components[0] else -1
        duration = TimerEventDefinition.get_timedelta_from_start(
            TimerEventDefinition.parse_iso_duration(components[1]), now
        )
        return cycles, now + duration, duration
    return TimerEventDefinition.parse_iso_recurring_interval(expression)


SWAPS = {
    TimeDateEventDefinition: ClockedTimeDate,
    DurationTimerEventDefinition: ClockedDuration,
    CycleTimerEventDefinition: ClockedCycle,
}


def use_engine_clock(spec, subprocess_specs: dict) -> None:
    for one_spec in [spec, *subprocess_specs.values()]:
        for task_spec in one_spec.task_specs.values():
            event = getattr(task_spec, "event_definition", None)
            replacement = SWAPS.get(type(event))
            if replacement is not None:
                event.__class__ = replacement
            for inner in getattr(event, "event_definitions", None) or []:
                replacement = SWAPS.get(type(inner))
                if replacement is not None:
                    inner.__class__ = replacement
            gateways.branch_keys(task_spec)


def waiting_timers(workflow) -> Iterator[tuple[Any, datetime]]:
    """(task, due time) of every waiting timer: timer events, and timers racing at an event-based
    gateway (tracked on their branch's task)."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if gateways.is_event_gateway(task):
            for branch, _definition in gateways.racing_branches(task):
                due = timer_due(branch)
                if due is not None:
                    yield branch, due
            continue
        due = timer_due(task)
        if due is not None:
            yield task, due


def timer_due(task) -> datetime | None:
    """The due time of a waiting timer (a timer event, or a timer's branch at an event-based
    gateway), or None when the task is not one."""
    race = gateways.race_of(task) if task.state == TaskState.MAYBE else None
    if race is not None:
        gateway, event = race
        holder, key = gateway, getattr(event, "value_key", "event_value")
    else:
        if task.state != TaskState.WAITING:
            return None
        event = getattr(task.task_spec, "event_definition", None)
        holder, key = task, "event_value"
    if not isinstance(event, TimerEventDefinition):
        return None
    value = holder.internal_data.get(key)
    if isinstance(value, dict):
        value = value.get("next") if value.get("cycles", 0) != 0 else None
    if not value:
        return None
    return TimerEventDefinition.get_datetime(value)
