"""Greedy baseline: the fallback after a timeout and the yardstick for the model."""

from __future__ import annotations

from solvers.legal_aid.plan import Plan
from solvers.legal_aid.problem import Problem, distance_km


def greedy_plan(problem: Problem, eligible: list[list[int]]) -> Plan:
    """Requests in input order; least (load_30d + new), then nearest, then lowest id."""
    counts = [0] * len(problem.lawyers)
    taken_in_case: set[tuple[str, int]] = set()
    plan: Plan = {}
    for r, request in enumerate(problem.requests):
        best: tuple[int, int, str] | None = None
        best_index = -1
        for j in eligible[r]:
            lawyer = problem.lawyers[j]
            if counts[j] >= lawyer.capacity or (request.case_id, j) in taken_in_case:
                continue
            key = (lawyer.load_30d + counts[j], distance_km(request, lawyer), lawyer.id)
            if best is None or key < best:
                best, best_index = key, j
        if best is not None:
            plan[r] = best_index
            counts[best_index] += 1
            taken_in_case.add((request.case_id, best_index))
    return plan
