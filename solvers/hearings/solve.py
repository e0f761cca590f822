"""Entry points: schedule hearings, and propose slots for one new hearing."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from solvers import cpsat
from solvers.errors import SolverInputError
from solvers.hearings.model import add_hint, build_model, read_schedule
from solvers.hearings.problem import Problem
from solvers.hearings.result import Result, scheduled_entry, score
from solvers.hearings.timeline import Placement, Timeline, greedy_schedule, proposals
from solvers.status import Status

DEFAULT_TIME_LIMIT = 30.0
NO_SLOT = "no working-day slot in the window where every participant, a room and a prison link are free"


@dataclass
class SolveStats:
    first_solution_seconds: float | None = None
    proven: bool = False
    gap: float | None = None
    greedy_score: tuple[int, int] | None = None


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
    empty = Timeline(problem, [])
    impossible = [h for h in range(len(problem.hearings)) if not proposals(problem, h, empty, 1)]
    greedy, greedy_missing = greedy_schedule(problem)
    stats.greedy_score = score(problem, greedy)
    schedulable = [h for h in range(len(problem.hearings)) if h not in impossible]
    if not schedulable:
        return _result(problem, [], impossible, Status.OPTIMAL, started), stats
    built = build_model(problem, schedulable)
    add_hint(built, problem, greedy)
    outcome = cpsat.solve(built.model, budget)
    stats.first_solution_seconds = outcome.first_solution_seconds
    if outcome.has_solution:
        placements = read_schedule(built, problem, outcome.solver)
        value, bound = outcome.solver.objective_value, outcome.solver.best_objective_bound
        stats.gap = max(0.0, (value - bound) / max(1.0, abs(value)))
        stats.proven = outcome.status == "optimal"
        if greedy_missing or score(problem, placements) <= stats.greedy_score:
            status = Status.OPTIMAL if stats.proven else Status.FEASIBLE
            if outcome.cut_by_wall_clock:
                status = Status.WALL_CLOCK_LIMIT
            return _result(problem, placements, impossible, status, started), stats
    if outcome.status == "infeasible":
        status = Status.INFEASIBLE
    else:
        status = Status.WALL_CLOCK_LIMIT if outcome.cut_by_wall_clock else Status.FALLBACK
    return _result(problem, greedy, greedy_missing, status, started), stats


def _result(problem: Problem, placements: list[Placement], missing: list[int], status: Status,
            started: float) -> Result:
    placements = sorted(placements, key=lambda p: p.hearing)
    lateness, idle = score(problem, placements)
    return Result(
        status=status,
        lateness_days=lateness,
        idle_minutes=idle * problem.slot_minutes,
        hearings=tuple(scheduled_entry(problem, p) for p in placements),
        unscheduled=tuple({"hearing_id": problem.hearings[h].id, "reason": NO_SLOT} for h in sorted(missing)),
        solve_seconds=time.perf_counter() - started,
    )


def propose_slots(
    problem: Problem, hearing_id: str, schedule: list[dict[str, Any]], count: int = 3,
    time_limit: float | None = None,
) -> list[dict[str, Any]]:
    """Best free slots for one hearing around an existing schedule (result "hearings" entries).

    Exact by enumeration over the grid: least lateness, then least added idle time of
    the participants, then earliest start.
    """
    ids = {h.id: i for i, h in enumerate(problem.hearings)}
    if hearing_id not in ids:
        raise SolverInputError("hearing_id", f"unknown hearing {hearing_id!r}")
    rooms = {r.id: i for i, r in enumerate(problem.rooms)}
    convoys = {c.id: i for i, c in enumerate(problem.convoys)}
    existing = []
    for i, entry in enumerate(schedule):
        path = f"schedule[{i}]"
        try:
            h, room = ids[entry["hearing_id"]], rooms[entry["room"]]
            convoy = convoys[entry["convoy"]] if entry.get("convoy") is not None else None
        except (KeyError, TypeError) as error:
            raise SolverInputError(path, f"refers to an unknown hearing, room or convoy ({error})") from error
        existing.append(Placement(h, _units(problem, entry.get("start"), path), room, convoy))
    deadline = time.monotonic() + time_limit if time_limit is not None else None
    found = proposals(problem, ids[hearing_id], Timeline(problem, existing), count, deadline)
    return [dict(scheduled_entry(problem, p.placement), lateness_days=p.lateness_days,
                 idle_minutes_added=p.idle_added * problem.slot_minutes) for p in found]


def _units(problem: Problem, text: Any, path: str) -> int:
    from solvers.hearings.problem import _interval

    return _interval({"start": text, "end": "9999-12-31T23:59"}, path, (problem.start, problem.slot_minutes))[0]
