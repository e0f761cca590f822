"""Time structure of a roster: slots, shift instances, rest conflicts, 7-day windows."""

from __future__ import annotations

from dataclasses import dataclass

from solvers.roster.problem import MINUTES_PER_DAY, Problem

Slot = tuple[int, int, int]  # (day index, region index, shift index)


@dataclass(frozen=True)
class Instance:
    """One shift on one day, shared by all regions."""

    day: int
    shift: int
    start: int  # minutes from the horizon start
    end: int
    night: bool


def instances(problem: Problem) -> list[Instance]:
    """Chronological; simultaneous shifts keep input order."""
    found = [
        Instance(d, s, d * MINUTES_PER_DAY + shift.start_minute,
                 d * MINUTES_PER_DAY + shift.start_minute + shift.hours * 60, shift.is_night)
        for d in range(problem.days)
        for s, shift in enumerate(problem.shifts)
    ]
    return sorted(found, key=lambda i: (i.start, i.shift))


def slots(problem: Problem) -> list[Slot]:
    """Chronological order: by start time, then shift, then region input order."""
    return [(i.day, g, i.shift) for i in instances(problem) for g in range(len(problem.regions))]


def eligible(problem: Problem, slot: Slot, person: int) -> bool:
    prosecutor = problem.prosecutors[person]
    day, region, _ = slot
    return problem.regions[region] in prosecutor.regions and problem.date(day) not in prosecutor.unavailable


def conflict_cliques(problem: Problem) -> list[list[Instance]]:
    """Groups of instances of which one person may hold at most one.

    Two instances clash when the later starts before the earlier ends plus the rest
    time; stretching every instance by the rest time makes this an interval graph,
    whose maximal cliques are the instances covering some instance's start.
    """
    rest = problem.rules.min_rest_hours * 60
    ordered = instances(problem)
    cliques: list[list[Instance]] = []
    for later in ordered:
        clique = [i for i in ordered if i.start <= later.start < i.end + rest]
        if not cliques or not set(map(_key, clique)) <= set(map(_key, cliques[-1])):
            cliques.append(clique)
    return cliques


def clash(problem: Problem, a: Instance, b: Instance) -> bool:
    rest = problem.rules.min_rest_hours * 60
    first, second = (a, b) if (a.start, a.shift) <= (b.start, b.shift) else (b, a)
    return second.start < first.end + rest


def windows(problem: Problem) -> list[range]:
    """Every 7 consecutive dates inside the horizon (the whole horizon if shorter)."""
    return [range(w, min(w + 7, problem.days)) for w in range(max(problem.days - 6, 1))]


def penalty(problem: Problem, slot: Slot, person: int) -> int:
    """Preference penalty of giving this slot to this person (see docs/solvers.md)."""
    prefs = problem.prosecutors[person].preferences
    day, _, shift = slot
    shift_id = problem.shifts[shift].id
    return (
        (problem.date(day) in prefs.avoid_dates)
        + (shift_id in prefs.avoid_shifts)
        + (bool(prefs.prefer_shifts) and shift_id not in prefs.prefer_shifts)
    )


def _key(instance: Instance) -> tuple[int, int]:
    return instance.day, instance.shift
