"""Quick infeasibility checks that can name the slot at fault."""

from __future__ import annotations

from solvers.roster.problem import Problem
from solvers.roster.slots import eligible, instances, slots


def infeasibility_reason(problem: Problem) -> str | None:
    people = range(len(problem.prosecutors))
    for slot in slots(problem):
        if slot not in problem.fixed and not any(eligible(problem, slot, p) for p in people):
            day, region, shift = slot
            return (
                f"nobody can cover region {problem.regions[region]!r} on {problem.date(day).isoformat()} "
                f"shift {problem.shifts[shift].id!r}: no prosecutor covers the region and is available"
            )
    for instance in instances(problem):
        needed = len(problem.regions)
        free = sum(
            1 for p in people
            if any(eligible(problem, (instance.day, g, instance.shift), p) for g in range(needed))
        )
        if free < needed:
            return (
                f"shift {problem.shifts[instance.shift].id!r} on {problem.date(instance.day).isoformat()} "
                f"needs {needed} prosecutors at once but only {free} are eligible"
            )
    return None
