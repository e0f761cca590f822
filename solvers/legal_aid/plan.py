"""A plan is request index → lawyer index; this module scores and compares plans."""

from __future__ import annotations

from solvers.legal_aid.eligibility import marginal_fairness
from solvers.legal_aid.problem import Problem, distance_km

Plan = dict[int, int]


def new_counts(problem: Problem, plan: Plan) -> list[int]:
    counts = [0] * len(problem.lawyers)
    for lawyer_index in plan.values():
        counts[lawyer_index] += 1
    return counts


def objective(problem: Problem, plan: Plan) -> int:
    weights = problem.weights
    fairness = sum(
        marginal_fairness(weights.fairness, lawyer.load_30d, k)
        for lawyer, n in zip(problem.lawyers, new_counts(problem, plan), strict=True)
        for k in range(1, n + 1)
    )
    distance = sum(distance_km(problem.requests[r], problem.lawyers[j]) for r, j in plan.items())
    return fairness + weights.distance * distance


def goal_key(problem: Problem, plan: Plan) -> tuple[int, int, int]:
    """Lexicographic goal as a key to minimise: urgent first, then count, then cost."""
    urgent = sum(1 for r in plan if problem.requests[r].urgent)
    return (-urgent, -len(plan), objective(problem, plan))
