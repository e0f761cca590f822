"""Independent checker of a roster result (the result dict, as printed by the CLI).

Recomputes times from the raw shift data instead of reusing the model's helpers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from solvers.roster.problem import Problem
from solvers.status import Status

STATUSES = tuple(status.value for status in Status)


def check(problem: Problem, result: dict[str, Any]) -> list[str]:
    """Every violated hard rule as a sentence; [] means valid."""
    violations: list[str] = []
    status = result.get("status")
    if status not in STATUSES:
        violations.append(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if status == "infeasible":
        return violations
    shifts = {s.id: s for s in problem.shifts}
    people = {p.id: p for p in problem.prosecutors}
    dates = {(problem.start + dt.timedelta(days=d)).isoformat(): d for d in range(problem.days)}
    filled: Counter[tuple[str, str, str]] = Counter()
    held: dict[str, list[tuple[int, int, bool, str]]] = defaultdict(list)
    for duty in result.get("assignments", []):
        key = (duty.get("date"), duty.get("region"), duty.get("shift"))
        label = f"{key[0]} {key[1]} {key[2]}"
        person, shift = people.get(duty.get("prosecutor_id")), shifts.get(key[2])
        if key[0] not in dates or key[1] not in problem.regions or shift is None:
            violations.append(f"duty {label} is not a slot of this roster")
            continue
        if person is None:
            violations.append(f"duty {label} goes to unknown prosecutor {duty.get('prosecutor_id')!r}")
            continue
        filled[key] += 1
        if key[1] not in person.regions:
            violations.append(f"duty {label}: {person.id} does not cover region {key[1]!r}")
        if dt.date.fromisoformat(key[0]) in person.unavailable:
            violations.append(f"duty {label}: {person.id} is unavailable that day")
        start = dates[key[0]] * 1440 + shift.start_minute
        end = start + shift.hours * 60
        held[person.id].append((start, end, end > (dates[key[0]] + 1) * 1440, label))
    for date in dates:
        for shift in problem.shifts:
            for region in problem.regions:
                count = filled[date, region, shift.id]
                if count != 1:
                    violations.append(f"slot {date} {region} {shift.id} has {count} prosecutors, needs exactly 1")
    rules = problem.rules
    rest = rules.min_rest_hours * 60
    for person_id, duties in held.items():
        duties.sort()
        for index, (_, e1, _, l1) in enumerate(duties):
            for s2, _, _, l2 in duties[index + 1 :]:
                if s2 < e1 + rest:
                    violations.append(f"{person_id}: {l1} and {l2} leave less than {rules.min_rest_hours} h rest")
        for first in range(max(problem.days - 6, 1)):
            lo, hi = first * 1440, min(first + 7, problem.days) * 1440
            inside = [d for d in duties if lo <= d[0] < hi]
            if len(inside) > rules.max_shifts_per_7_days:
                violations.append(f"{person_id}: {len(inside)} duties in the 7 days from day {first}")
            nights = sum(1 for d in inside if d[2])
            if nights > rules.max_nights_per_7_days:
                violations.append(f"{person_id}: {nights} nights in the 7 days from day {first}")
    violations.extend(_objective_violations(problem, result, held))
    return violations


def _objective_violations(problem: Problem, result: dict[str, Any], held: dict[str, list]) -> list[str]:
    objective = result.get("objective")
    if not isinstance(objective, dict):
        # only a greedy answer (fallback, or cut by the wall clock) may leave slots open
        incomplete_allowed = result.get("status") in (Status.FALLBACK, Status.WALL_CLOCK_LIMIT)
        return [] if incomplete_allowed else ["objective is missing"]
    totals = [p.prior_duties + len(held.get(p.id, [])) for p in problem.prosecutors]
    spread = max(totals) - min(totals) if totals else 0
    penalty = 0
    for duty in result.get("assignments", []):
        person = next((p for p in problem.prosecutors if p.id == duty.get("prosecutor_id")), None)
        if person is None:
            continue
        prefs = person.preferences
        penalty += dt.date.fromisoformat(duty["date"]) in prefs.avoid_dates
        penalty += duty["shift"] in prefs.avoid_shifts
        penalty += bool(prefs.prefer_shifts) and duty["shift"] not in prefs.prefer_shifts
    found = {"spread": spread, "preference_penalty": penalty}
    if {k: objective.get(k) for k in found} != found:
        return [f"objective is {objective} but the duties give {found}"]
    return []
