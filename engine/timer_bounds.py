"""Bounds on timer values, checked on the text before SpiffWorkflow ever parses it.

SpiffWorkflow turns a duration into days by walking it month by month, so `P1000000Y` or
`R1/P99999999999Y` keeps a worker busy for seconds to days, and `R/PT0S` fires forever. Every
timer value (a literal at deployment, a computed one at run time) passes `timer_problem` first:
its arithmetic is a handful of multiplications, whatever the numbers in the text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.budgets import ExecutionBudgets

MAX_TIMER_TEXT = 100  # characters: the longest real ISO 8601 interval is about 60
_DAY = 86_400.0
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?",
    re.IGNORECASE,
)
# Seconds per unit, with the average Gregorian year and month: good enough to bound a value.
_UNIT_SECONDS = (365.2425 * _DAY, 30.436875 * _DAY, 7 * _DAY, _DAY, 3600.0, 60.0, 1.0)
KINDS = ("date", "duration", "cycle")


def duration_seconds(text: str) -> float | None:
    """About how long an ISO 8601 duration is, or None when it is not one SpiffWorkflow reads.

    Refused like SpiffWorkflow refuses them: weeks with other date parts, a fraction anywhere
    but in the last part, a `T` with no time after it.
    """
    match = _DURATION.fullmatch(text.strip())
    if match is None or text.strip().upper().endswith("T"):
        return None
    parts = match.groups()
    given = [i for i, part in enumerate(parts) if part is not None]
    if parts[2] is not None and any(parts[i] is not None for i in (0, 1, 3)):
        return None
    if any(("." in parts[i] or "," in parts[i]) for i in given[:-1]):
        return None
    return sum(float(parts[i].replace(",", ".")) * _UNIT_SECONDS[i] for i in given)


def timer_problem(kind: str, value: Any, now: datetime, budgets: ExecutionBudgets) -> str | None:
    """What is wrong with a timer value of `kind` (date, duration, cycle), or None."""
    if not isinstance(value, str):
        return f"gave {type(value).__name__} {_short(value)}, not an ISO 8601 text"
    if len(value) > MAX_TIMER_TEXT:
        return f"value is {len(value)} characters long, more than any ISO 8601 timer ({MAX_TIMER_TEXT})"
    if kind == "cycle":
        return _cycle_problem(value, now, budgets)
    if kind == "duration":
        return _duration_problem(value, budgets)
    return _date_problem(value, now, budgets)


def _duration_problem(text: str, budgets: ExecutionBudgets) -> str | None:
    seconds = duration_seconds(text)
    if seconds is None:
        return f"{text!r} is not an ISO 8601 duration"
    if seconds > budgets.max_timer_years * _UNIT_SECONDS[0]:
        return f"{text!r} is more than {budgets.max_timer_years:g} years away"
    return None


def _date_problem(text: str, now: datetime, budgets: ExecutionBudgets) -> str | None:
    try:
        when = TimerEventDefinition.parse_time_or_duration(text.strip())
    except (ValueError, TypeError, AttributeError, OverflowError):
        return f"{text!r} is not an ISO 8601 date and time or duration"
    if not isinstance(when, datetime):
        return f"{text!r} is not an ISO 8601 date and time"
    if when - now > timedelta(days=budgets.max_timer_years * 365.2425):
        return f"{text!r} is more than {budgets.max_timer_years:g} years away"
    return None


def _cycle_problem(text: str, now: datetime, budgets: ExecutionBudgets) -> str | None:
    """`R[n]/duration`, `R[n]/start/duration` or `R[n]/duration/end`, as SpiffWorkflow reads them."""
    components = text.strip().upper().replace("--", "/").strip("R").split("/")
    if len(components) not in (2, 3) or not text.strip().upper().startswith("R"):
        return f"{text!r} is not an ISO 8601 repeating interval (R[n]/duration, R[n]/start/duration or R[n]/duration/end)"
    repetitions = components[0]
    if repetitions and (not repetitions.isdigit() or len(repetitions) > 18):
        return f"{text!r} has no valid number of repetitions"
    if repetitions and int(repetitions) > budgets.max_timer_repetitions:
        return f"{text!r} repeats more than {budgets.max_timer_repetitions} times"
    durations = [c for c in components[1:] if c.startswith("P")]
    if len(durations) != 1 or (len(components) == 3 and components[1].startswith("P") == components[2].startswith("P")):
        return f"{text!r} must have exactly one duration and at most one date"
    for component in components[1:]:
        problem = _duration_problem(component, budgets) if component.startswith("P") else _date_problem(component, now, budgets)
        if problem:
            return problem
    interval = duration_seconds(durations[0])
    if interval is not None and interval < budgets.min_timer_cycle_seconds:
        return f"{text!r} repeats every {interval:g} s, more often than every {budgets.min_timer_cycle_seconds:g} s"
    return None


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, int) or value.bit_length() < 200 else "(a very large number)"
    return text if len(text) <= 40 else text[:37] + "..."
