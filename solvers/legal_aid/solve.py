"""Entry points: solve a legal-aid problem exactly, or fall back to the greedy plan."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from solvers import cpsat
from solvers.legal_aid.eligibility import candidates, marginal_fairness
from solvers.legal_aid.explain import explain_assignment, explain_unassigned
from solvers.legal_aid.greedy import greedy_plan
from solvers.legal_aid.model import (
    AssignmentModel,
    add_hint,
    build_model,
    objective_weights,
    read_plan,
    set_objective,
)
from solvers.legal_aid.plan import Plan, goal_key, objective
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
    return solve_with_stats(problem, time_limit)[0]


def solve_with_stats(problem: Problem, time_limit: float = DEFAULT_TIME_LIMIT) -> tuple[Result, SolveStats]:
    started = time.perf_counter()
    eligible = candidates(problem)
    stats = SolveStats()
    if len(problem.requests) == 1:
        plan, status = single_request_plan(problem, eligible[0]), Status.OPTIMAL
        stats.proven, stats.gap = True, 0.0
        stats.first_solution_seconds = time.perf_counter() - started
    else:
        greedy = greedy_plan(problem, eligible)
        stats.greedy_objective = objective(problem, greedy)
        plan, status = optimise(problem, eligible, greedy, time_limit, started, stats)
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


def optimise(
    problem: Problem,
    eligible: list[list[int]],
    greedy: Plan,
    time_limit: float,
    started: float,
    stats: SolveStats,
) -> tuple[Plan, Status]:
    if not any(eligible):
        stats.proven, stats.gap = True, 0.0
        return {}, Status.OPTIMAL
    built = build_model(problem, eligible)
    set_objective(built, problem, eligible)
    add_hint(built, greedy)
    outcome = cpsat.solve(built.model, _remaining(started, time_limit))
    if outcome.first_solution_seconds is not None:
        stats.first_solution_seconds = (
            time.perf_counter() - started - outcome.seconds + outcome.first_solution_seconds
        )
    if not outcome.has_solution:
        return greedy, Status.FALLBACK
    plan = read_plan(built, outcome.solver)
    stats.proven = outcome.status == "optimal"
    stats.gap = _cost_gap(built, problem, eligible, outcome.solver)
    if goal_key(problem, greedy) < goal_key(problem, plan):
        return greedy, Status.FALLBACK
    return plan, Status.OPTIMAL if stats.proven else Status.FEASIBLE


def _remaining(started: float, time_limit: float) -> float:
    return max(time_limit - (time.perf_counter() - started), 0.01)


def _cost_gap(built: AssignmentModel, problem: Problem, eligible: list[list[int]], solver: Any) -> float:
    """Relative gap of the cost part, assuming the bound keeps the found counts."""
    per_cost = objective_weights(built, problem, eligible)[2]
    cost = solver.value(built.cost)
    slack = (solver.objective_value - solver.best_objective_bound) / per_cost
    return max(0.0, slack / max(1.0, abs(cost)))


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
