"""Shared CP-SAT plumbing: lazy import, pinned parameters, timed solving.

``ortools.sat.python.cp_model`` costs about 0.35 s to import, so it is only loaded
when a model is actually built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

# One worker with a deterministic-time budget is reproducible run after run (several
# parallel workers race and may return different equal-cost optima).  See docs/solvers.md.
NUM_WORKERS = 1
RANDOM_SEED = 7
# Deterministic time units per wall-clock second of the caller's time limit; the
# wall-clock limit stays as a safety net on slow machines.
DETERMINISTIC_TIME_PER_SECOND = 1.0


def cp_model() -> ModuleType:
    from ortools.sat.python import cp_model as module

    return module


@dataclass
class SolveOutcome:
    status: str  # "optimal", "feasible", "infeasible" or "unknown"
    solver: Any
    first_solution_seconds: float | None
    seconds: float

    @property
    def has_solution(self) -> bool:
        return self.status in ("optimal", "feasible")


def solve(model: Any, time_limit: float, extra_parameters: str = "") -> SolveOutcome:
    """Solve with the package's pinned, reproducible parameters (plus a model's own
    ``extra_parameters`` in protobuf text format)."""
    module = cp_model()
    solver = module.CpSolver()
    params = solver.parameters
    params.num_workers = NUM_WORKERS
    params.random_seed = RANDOM_SEED
    params.max_time_in_seconds = max(time_limit, 0.001)
    params.max_deterministic_time = max(time_limit * DETERMINISTIC_TIME_PER_SECOND, 0.001)
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
    names = {
        module.OPTIMAL: "optimal",
        module.FEASIBLE: "feasible",
        module.INFEASIBLE: "infeasible",
    }
    return SolveOutcome(names.get(code, "unknown"), solver, first[0] if first else None, seconds)
