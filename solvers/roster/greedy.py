"""Greedy roster: the fallback after a timeout and the yardstick for the model."""

from __future__ import annotations

from collections import defaultdict

from solvers.roster.plan import Plan
from solvers.roster.problem import Problem
from solvers.roster.slots import Instance, clash, eligible, instances, penalty, windows


def greedy_plan(problem: Problem, without_penalties: bool = False) -> Plan:
    """Slots chronologically; the eligible person with fewest total duties who keeps
    rest and 7-day caps, ties by id.  Slots nobody can take stay out of the plan."""
    plan: Plan = dict(problem.fixed)
    held: dict[int, list[Instance]] = defaultdict(list)
    by_key = {(i.day, i.shift): i for i in instances(problem)}
    for (day, _, shift), person in plan.items():
        held[person].append(by_key[day, shift])
    totals = [p.prior_duties for p in problem.prosecutors]
    for person, taken in held.items():
        totals[person] += len(taken)
    day_windows = windows(problem)
    for instance in instances(problem):
        for region in range(len(problem.regions)):
            slot = (instance.day, region, instance.shift)
            if slot in plan:
                continue
            options = [
                p for p in range(len(problem.prosecutors))
                if eligible(problem, slot, p)
                and not (without_penalties and penalty(problem, slot, p))
                and _fits(problem, held[p], instance, day_windows)
            ]
            if options:
                person = min(options, key=lambda p: (totals[p], problem.prosecutors[p].id))
                plan[slot] = person
                held[person].append(instance)
                totals[person] += 1
    return plan


def _fits(problem: Problem, taken: list[Instance], new: Instance, day_windows: list[range]) -> bool:
    if any(clash(problem, old, new) for old in taken):
        return False
    rules = problem.rules
    for window in day_windows:
        if new.day in window:
            inside = [i for i in taken if i.day in window]
            if len(inside) + 1 > rules.max_shifts_per_7_days:
                return False
            if new.night and sum(i.night for i in inside) + 1 > rules.max_nights_per_7_days:
                return False
    return True
