"""Hearing schedule result and its score."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from solvers.hearings.problem import Problem
from solvers.hearings.timeline import Placement, idle
from solvers.status import Status


@dataclass(frozen=True)
class Result:
    status: Status
    lateness_days: int
    idle_minutes: int
    hearings: tuple[dict[str, Any], ...]
    unscheduled: tuple[dict[str, str], ...]
    solve_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "objective": {"lateness_days": self.lateness_days, "idle_minutes": self.idle_minutes},
            "hearings": list(self.hearings),
            "unscheduled": list(self.unscheduled),
            "solve_seconds": round(self.solve_seconds, 4),
        }


def scheduled_entry(problem: Problem, placement: Placement) -> dict[str, Any]:
    return {
        "hearing_id": problem.hearings[placement.hearing].id,
        "start": problem.clock(placement.start),
        "end": problem.clock(placement.end(problem)),
        "room": problem.rooms[placement.room].id,
        "convoy": None if placement.convoy is None else problem.convoys[placement.convoy].id,
    }


def score(problem: Problem, placements: list[Placement]) -> tuple[int, int]:
    """(total days late against the requested dates, participants' idle grid units)."""
    per_day = problem.units_per_day
    lateness = sum(max(0, p.start // per_day - problem.hearings[p.hearing].requested) for p in placements)
    spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for p in placements:
        for pid in problem.hearings[p.hearing].participants:
            spans[pid, p.start // per_day].append((p.start, p.end(problem)))
    return lateness, sum(idle(s) for s in spans.values())
