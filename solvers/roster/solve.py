"""Entry points: solve a roster exactly (month by month for long horizons) or fall back."""

from __future__ import annotations

import dataclasses
import math
import time

from solvers import cpsat
from solvers.roster.greedy import greedy_plan
from solvers.roster.model import add_hint, build_model, read_plan, spread_lower_bound
from solvers.roster.plan import Plan, score
from solvers.roster.precheck import infeasibility_reason
from solvers.roster.problem import Problem
from solvers.roster.result import Duty, Result
from solvers.roster.slots import slots
from solvers.status import Status

DEFAULT_TIME_LIMIT = 30.0
SINGLE_SOLVE_MAX_DAYS = 31
# The extra LP cuts of level 2 were measured to be what proves 200-prosecutor rosters.
MODEL_PARAMETERS = "linearization_level: 2"
PENALTY_FREE_SHARE = 0.5  # of the time limit, for the penalty-free shortcut


@dataclasses.dataclass
class SolveStats:
    """Figures for the benchmark; not part of the result format."""

    first_solution_seconds: float | None = None
    proven: bool = False
    gap: float | None = None
    greedy_score: tuple[int, int] | None = None  # None when greedy leaves slots open


def solve(problem: Problem, time_limit: float = DEFAULT_TIME_LIMIT,
          wall_clock_limit: float | None = None) -> Result:
    """``time_limit`` is the deterministic budget (see :mod:`solvers.cpsat`);
    ``wall_clock_limit`` the backstop, by default 3 x the budget + 5 s."""
    return solve_with_stats(problem, time_limit, wall_clock_limit)[0]


def solve_with_stats(problem: Problem, time_limit: float = DEFAULT_TIME_LIMIT,
                     wall_clock_limit: float | None = None) -> tuple[Result, SolveStats]:
    started = time.perf_counter()
    budget = cpsat.Budget(time_limit, wall_clock_limit)
    stats = SolveStats()
    reason = infeasibility_reason(problem)
    if reason is not None:
        return Result(Status.INFEASIBLE, None, None, (), (), reason, time.perf_counter() - started), stats
    greedy = greedy_plan(problem)
    if len(greedy) == len(slots(problem)):
        stats.greedy_score = score(problem, greedy)
    chunks = month_chunks(problem)
    if len(chunks) == 1:
        plan, status, reason = _solve_one(problem, greedy, budget, budget.deterministic, stats)
    else:
        plan, status, reason = _solve_by_month(problem, chunks, budget, stats)
    if budget.cut_by_wall_clock and status is not Status.INFEASIBLE:
        # a cut anywhere (shortcut, full model, an earlier month) may have changed the plan
        status = Status.WALL_CLOCK_LIMIT
    return _result(problem, plan, status, reason, time.perf_counter() - started), stats


def month_chunks(problem: Problem) -> list[range]:
    """Day ranges of calendar months, or the whole horizon when it is a month or less."""
    if problem.days <= SINGLE_SOLVE_MAX_DAYS:
        return [range(problem.days)]
    chunks, first = [], 0
    for day in range(1, problem.days):
        if problem.date(day).day == 1:
            chunks.append(range(first, day))
            first = day
    chunks.append(range(first, problem.days))
    return chunks


def _solve_one(
    problem: Problem, greedy: Plan, budget: cpsat.Budget, allowance: float, stats: SolveStats
) -> tuple[Plan, Status, str | None]:
    """Solve within ``allowance`` deterministic units of ``budget``."""
    used_before = budget.used
    shortcut = _solve_without_penalties(problem, greedy, budget, allowance * PENALTY_FREE_SHARE, stats)
    if shortcut is not None:
        return shortcut, Status.OPTIMAL, None
    built = build_model(problem)
    add_hint(built, problem, greedy)
    left = allowance - (budget.used - used_before)  # deterministic: what the shortcut did not use
    outcome = cpsat.solve(built.model, budget, left, MODEL_PARAMETERS)
    if stats.first_solution_seconds is None:
        stats.first_solution_seconds = outcome.first_solution_seconds
    if outcome.status == "infeasible":
        return {}, Status.INFEASIBLE, "no roster satisfies the rest and 7-day rules (proven by the solver)"
    if not outcome.has_solution:
        return greedy, Status.FALLBACK, "time limit reached before the solver found a roster"
    plan = read_plan(built, outcome.solver)
    bound, value = outcome.solver.best_objective_bound, outcome.solver.objective_value
    stats.gap = max(0.0, (value - bound) / max(1.0, abs(value)))
    stats.proven = outcome.status == "optimal"
    complete_greedy = len(greedy) == len(plan)
    if complete_greedy and score(problem, greedy) < score(problem, plan):
        return greedy, Status.FALLBACK, None
    return plan, Status.OPTIMAL if stats.proven else Status.FEASIBLE, None


def _solve_without_penalties(
    problem: Problem, greedy: Plan, budget: cpsat.Budget, allowance: float, stats: SolveStats
) -> Plan | None:
    """Try the roster with no penalised assignment at all.  If it reaches the spread
    lower bound it is optimal (spread is minimal and the penalty is zero), and this
    restricted model is much easier: finding penalty-free rosters was what made the
    full model slow on 200 prosecutors."""
    if not problem.prosecutors:
        return None
    built = build_model(problem, without_penalties=True)
    penalty_free = greedy_plan(problem, without_penalties=True)
    add_hint(built, problem, penalty_free if len(penalty_free) == len(greedy) else greedy)
    outcome = cpsat.solve(built.model, budget, allowance, MODEL_PARAMETERS)
    if outcome.first_solution_seconds is not None:
        stats.first_solution_seconds = outcome.first_solution_seconds
    if not outcome.has_solution:
        return None
    plan = read_plan(built, outcome.solver)
    if score(problem, plan) != (spread_lower_bound(problem), 0):
        return None
    stats.proven, stats.gap = True, 0.0
    return plan


def _solve_by_month(
    problem: Problem, chunks: list[range], budget: cpsat.Budget, stats: SolveStats
) -> tuple[Plan, Status, str | None]:
    """Each month sees the last days of the previous one as fixed duties, so rest and
    7-day rules hold across the boundary, and earlier duties as carried-over counts.
    The result is feasible, but optimal only month by month."""
    carry = max(6, math.ceil(problem.rules.min_rest_hours / 24) + 1)
    plan: Plan = {}
    statuses = []
    for index, chunk in enumerate(chunks):
        first = max(chunk.start - carry, 0)
        earlier = [0] * len(problem.prosecutors)
        for (day, _, _), person in plan.items():
            if day < first:
                earlier[person] += 1
        sub = dataclasses.replace(
            problem,
            start=problem.date(first),
            days=chunk.stop - first,
            prosecutors=tuple(
                dataclasses.replace(p, prior_duties=p.prior_duties + earlier[i])
                for i, p in enumerate(problem.prosecutors)
            ),
            fixed={(d - first, g, s): p for (d, g, s), p in plan.items() if d >= first},
        )
        share = budget.remaining * len(chunk) / (problem.days - chunk.start)
        sub_plan, status, reason = _solve_one(sub, greedy_plan(sub), budget, share, SolveStats())
        if status is Status.INFEASIBLE:
            month = problem.date(chunk.start).strftime("%Y-%m")
            return {}, status, f"month {month} (chunk {index + 1} of {len(chunks)}): {reason}"
        plan.update({(d + first, g, s): p for (d, g, s), p in sub_plan.items()})
        statuses.append(status)
    stats.proven = False
    if Status.FALLBACK in statuses:
        return plan, Status.FALLBACK, None
    return plan, Status.FEASIBLE, None


def _result(problem: Problem, plan: Plan, status: Status, reason: str | None, seconds: float) -> Result:
    duties, unfilled = [], []
    for slot in slots(problem):
        day, region, shift = slot
        where = {"date": problem.date(day).isoformat(), "region": problem.regions[region],
                 "shift": problem.shifts[shift].id}
        if slot in plan:
            duties.append(Duty(prosecutor_id=problem.prosecutors[plan[slot]].id, **where))
        elif status is not Status.INFEASIBLE:
            unfilled.append(where)
    spread = penalty = None
    if status is not Status.INFEASIBLE and not unfilled:
        spread, penalty = score(problem, plan)
    if unfilled and reason is None:
        reason = f"{len(unfilled)} slots could not be filled by the greedy fallback"
    return Result(status, spread, penalty, tuple(duties), tuple(unfilled), reason, seconds)
