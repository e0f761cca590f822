"""Shared CP-SAT plumbing: lazy import, pinned parameters, budgeted solving.

The caller's ``time_limit`` is a *budget*: it is turned into CP-SAT deterministic time
(work units counted by the solver, the same on every run whatever the load), and that
decides the result.  The wall clock is only a backstop several times larger; when it
fires first, the search was cut at a moment the load chose, so the outcome says so
(``cut_by_wall_clock``) and the models report ``Status.WALL_CLOCK_LIMIT``.

``ortools.sat.python.cp_model`` costs about 0.35 s to import, so it is only loaded
when a model is actually built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

# One worker: with a deterministic-time limit that is reproducible run after run.
# Several workers with interleave_search are reproducible too, but measured here (2 cores,
# see docs/solvers.md) they needed 2-5x more work to reach the same answer.
NUM_WORKERS = 1
RANDOM_SEED = 7
# Deterministic time units per second of the caller's budget.  Measured on the 2-core
# development machine, one unit took 2.7-4 s of wall-clock time in the roster model and
# 6-8 s in the hearings model (3-4x that with both cores busy), so at 0.1 a quiet search
# takes well under its budget and a busy one stays far from the backstop.
DETERMINISTIC_TIME_PER_SECOND = 0.1
# The wall-clock backstop: generous, so that only a machine far slower or busier than
# the budget assumes reaches it.
WALL_CLOCK_FACTOR = 3.0
WALL_CLOCK_SLACK_SECONDS = 5.0


def cp_model() -> ModuleType:
    from ortools.sat.python import cp_model as module

    return module


def default_wall_clock_limit(time_limit: float) -> float:
    return WALL_CLOCK_FACTOR * time_limit + WALL_CLOCK_SLACK_SECONDS


class Budget:
    """One solve's deterministic work budget and its wall-clock backstop.

    Several CP-SAT calls may share a budget (the roster's shortcut and full model, its
    months); each takes a deterministic share computed from deterministic figures only,
    and all of them stop at the same wall-clock deadline.  The backstop's clock starts at
    the first search: parsing and the greedy plan before it cannot change the answer.
    """

    def __init__(self, time_limit: float, wall_clock_limit: float | None = None) -> None:
        self.deterministic = max(time_limit, 0.0) * DETERMINISTIC_TIME_PER_SECOND
        self.wall_clock_limit = default_wall_clock_limit(time_limit) if wall_clock_limit is None else wall_clock_limit
        self.deadline: float | None = None
        self.used = 0.0  # deterministic units spent so far
        self.cut_by_wall_clock = False  # any call of this budget stopped by the backstop

    @property
    def remaining(self) -> float:
        return max(self.deterministic - self.used, 0.0)

    def wall_clock_left(self) -> float:
        """Seconds until the backstop; the first call starts its clock."""
        if self.deadline is None:
            self.deadline = time.perf_counter() + self.wall_clock_limit
        return self.deadline - time.perf_counter()


@dataclass
class SolveOutcome:
    status: str  # "optimal", "feasible", "infeasible" or "unknown"
    solver: Any
    first_solution_seconds: float | None
    seconds: float
    cut_by_wall_clock: bool = False  # stopped by the backstop before its deterministic limit

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


MINIMUM_LIMIT = 0.001  # CP-SAT rejects a zero limit


def solve(model: Any, budget: Budget, deterministic_limit: float | None = None,
          extra_parameters: str = "") -> SolveOutcome:
    """Solve with the package's pinned parameters (plus a model's own ``extra_parameters``
    in protobuf text format), spending at most ``deterministic_limit`` units (default: all
    that is left of ``budget``) and stopping at the budget's wall-clock deadline."""
    module = cp_model()
    solver = module.CpSolver()
    params = solver.parameters
    limit = max(budget.remaining if deterministic_limit is None else deterministic_limit, MINIMUM_LIMIT)
    params.num_workers = NUM_WORKERS
    params.random_seed = RANDOM_SEED
    params.max_deterministic_time = limit
    params.max_time_in_seconds = max(budget.wall_clock_left(), MINIMUM_LIMIT)
    params.log_search_progress = False
    if extra_parameters:
        params.merge_text_format(extra_parameters)
    started = time.perf_counter()
    first: list[float] = []

    class _FirstSolution(module.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if not first:
                first.append(time.perf_counter() - started)

    code = solver.solve(model, _FirstSolution())
    seconds = time.perf_counter() - started
    spent = solver.response_proto.deterministic_time
    budget.used += spent
    # A search that ended without proof stopped at a limit; if the deterministic one was
    # not reached, it was the wall clock (CP-SAT reports no reason, but the counter is exact).
    cut = code in (module.FEASIBLE, module.UNKNOWN) and spent < limit
    budget.cut_by_wall_clock |= cut
    names = {
        module.OPTIMAL: "optimal",
        module.FEASIBLE: "feasible",
        module.INFEASIBLE: "infeasible",
    }
    return SolveOutcome(names.get(code, "unknown"), solver, first[0] if first else None, seconds, cut)
