"""A roster plan maps each slot to a prosecutor index; scoring shared by greedy and solve."""

from __future__ import annotations

from solvers.roster.problem import Problem
from solvers.roster.slots import Slot, penalty

Plan = dict[Slot, int]


def totals(problem: Problem, plan: Plan) -> list[int]:
    counts = [p.prior_duties for p in problem.prosecutors]
    for person in plan.values():
        counts[person] += 1
    return counts


def score(problem: Problem, plan: Plan) -> tuple[int, int]:
    """(spread of total duties, preference penalty), minimised lexicographically."""
    counts = totals(problem, plan)
    spread = max(counts) - min(counts) if counts else 0
    return spread, sum(penalty(problem, slot, person) for slot, person in plan.items())
