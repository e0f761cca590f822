"""Entry points: solve a legal-aid problem exactly, or fall back to the greedy plan."""

from __future__ import annotations

import time
from dataclasses import dataclass

from solvers.legal_aid.eligibility import candidates, marginal_fairness
from solvers.legal_aid.explain import explain_assignment, explain_unassigned
from solvers.legal_aid.flow import optimal_plan
from solvers.legal_aid.greedy import greedy_plan
from solvers.legal_aid.plan import Plan, objective
from solvers.legal_aid.problem import Problem, distance_km
from solvers.legal_aid.result import Assignment, Result, Unassigned
from solvers.status import Status

DEFAULT_TIME_LIMIT = 10.0


@dataclass
class SolveStats:
    """Figures for the benchmark; not part of the result format."""

    first_solution_seconds: float | None = None
    proven: bool = False
    gap: float | None = None
    greedy_objective: int = 0


def solve(problem: Problem, time_limit: float = DEFAULT_TIME_LIMIT) -> Result:
    """``time_limit`` is accepted like the other kinds' but not needed: the min-cost flow
    is exact and takes milliseconds, so the result never depends on time or load."""
    return solve_with_stats(problem, time_limit)[0]


def solve_with_stats(problem: Problem, time_limit: float = DEFAULT_TIME_LIMIT) -> tuple[Result, SolveStats]:
    started = time.perf_counter()
    eligible = candidates(problem)
    stats = SolveStats()
    if len(problem.requests) == 1:
        plan, status = single_request_plan(problem, eligible[0]), Status.OPTIMAL
    else:
        greedy = greedy_plan(problem, eligible)
        stats.greedy_objective = objective(problem, greedy)
        optimum = optimal_plan(problem, eligible)
        plan, status = (greedy, Status.FALLBACK) if optimum is None else (optimum, Status.OPTIMAL)
    if status is Status.OPTIMAL:
        stats.proven, stats.gap = True, 0.0
        stats.first_solution_seconds = time.perf_counter() - started
    return build_result(problem, eligible, plan, status, time.perf_counter() - started), stats


def single_request_plan(problem: Problem, eligible: list[int]) -> Plan:
    """Exact for one request (the detained-person case): the cheapest eligible lawyer."""
    request = problem.requests[0]
    weights = problem.weights

    def cost(j: int) -> tuple[int, int]:
        lawyer = problem.lawyers[j]
        fairness = marginal_fairness(weights.fairness, lawyer.load_30d, 1)
        return fairness + weights.distance * distance_km(request, lawyer), j

    return {0: min(eligible, key=cost)} if eligible else {}


def build_result(
    problem: Problem, eligible: list[list[int]], plan: Plan, status: Status, seconds: float
) -> Result:
    assignments = tuple(
        Assignment(
            request_id=problem.requests[r].id,
            lawyer_id=problem.lawyers[plan[r]].id,
            explanation=explain_assignment(problem, eligible[r], plan, r),
        )
        for r in range(len(problem.requests))
        if r in plan
    )
    unassigned = tuple(
        Unassigned(problem.requests[r].id, explain_unassigned(problem, eligible[r], plan, r))
        for r in range(len(problem.requests))
        if r not in plan
    )
    return Result(status, objective(problem, plan), assignments, unassigned, seconds)
