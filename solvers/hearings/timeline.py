"""Placing hearings one at a time: free-slot search, slot proposals, greedy schedule."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from solvers.errors import SolverInputError
from solvers.hearings.calendar import allowed_days, working_days
from solvers.hearings.problem import Problem


@dataclass(frozen=True)
class Placement:
    hearing: int
    start: int  # grid units from the horizon's first midnight
    room: int
    convoy: int | None

    def end(self, problem: Problem) -> int:
        return self.start + problem.hearings[self.hearing].duration


@dataclass(frozen=True)
class Proposal:
    lateness_days: int
    idle_added: int  # grid units
    placement: Placement


class Timeline:
    """Busy intervals of every participant, room and convoy for a partial schedule."""

    def __init__(self, problem: Problem, placements: list[Placement]) -> None:
        self.problem = problem
        self.busy: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        for resource in problem.participants:
            self.busy["p", resource.id].extend(resource.busy)
        for resource in problem.rooms:
            self.busy["r", resource.id].extend(resource.busy)
        for resource in problem.convoys:
            self.busy["c", resource.id].extend(resource.busy)
        self.hearings_of: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for placement in placements:
            self.add(placement)

    def add(self, placement: Placement) -> None:
        problem, hearing = self.problem, self.problem.hearings[placement.hearing]
        span = (placement.start, placement.end(problem))
        for pid in hearing.participants:
            self.busy["p", pid].append(span)
            self.hearings_of[pid].append(span)
        self.busy["r", problem.rooms[placement.room].id].append(span)
        if placement.convoy is not None:
            self.busy["c", problem.convoys[placement.convoy].id].append(span)

    def free(self, key: tuple[str, str], start: int, end: int) -> bool:
        return all(b <= start or a >= end for a, b in self.busy[key])

    def idle_added(self, participants: tuple[str, ...], start: int, end: int) -> int:
        per_day = self.problem.units_per_day
        day = start // per_day
        added = 0
        for pid in participants:
            same_day = [s for s in self.hearings_of[pid] if s[0] // per_day == day]
            added += idle(same_day + [(start, end)]) - idle(same_day)
        return added


def idle(spans: list[tuple[int, int]]) -> int:
    """Waiting time between the first start and the last end of one person's day."""
    if not spans:
        return 0
    return max(e for _, e in spans) - min(s for s, _ in spans) - sum(e - s for s, e in spans)


def proposals(
    problem: Problem, hearing_index: int, timeline: Timeline, count: int, deadline: float | None = None
) -> list[Proposal]:
    """The best ``count`` free slots: least lateness, then least added idle time, then earliest.

    ``deadline`` (a ``time.monotonic()`` value) bounds the enumeration: past it, SolverInputError
    on ``time_limit`` (a partial answer would not be the best slots it claims to be).
    """
    hearing = problem.hearings[hearing_index]
    prison_link = problem.needs_prison_link(hearing)
    found: list[Proposal] = []
    per_day = problem.units_per_day
    for day in allowed_days(problem, hearing, working_days(problem)):
        if deadline is not None and time.monotonic() > deadline:
            raise SolverInputError("time_limit", "too many days, slots and participants to search within the time limit")
        for tod in range(problem.day_start, problem.day_end - hearing.duration + 1):
            start = day * per_day + tod
            end = start + hearing.duration
            if not all(timeline.free(("p", pid), start, end) for pid in hearing.participants):
                continue
            placement = _place(problem, timeline, hearing_index, start, end, prison_link)
            if placement is not None:
                found.append(Proposal(max(0, day - hearing.requested),
                                      timeline.idle_added(hearing.participants, start, end), placement))
    found.sort(key=lambda p: (p.lateness_days, p.idle_added, p.placement.start, p.placement.room))
    return found[:count]


def _place(problem: Problem, timeline: Timeline, index: int, start: int, end: int, prison_link: bool):
    free_rooms = [r for r, room in enumerate(problem.rooms) if timeline.free(("r", room.id), start, end)]
    if not prison_link:
        return Placement(index, start, free_rooms[0], None) if free_rooms else None
    for r in free_rooms:  # a video link from prison needs no convoy
        if problem.rooms[r].kind == "video":
            return Placement(index, start, r, None)
    convoy = next((c for c, res in enumerate(problem.convoys) if timeline.free(("c", res.id), start, end)), None)
    courtrooms = [r for r in free_rooms if problem.rooms[r].kind == "courtroom"]
    if convoy is None or not courtrooms:
        return None
    return Placement(index, start, courtrooms[0], convoy)


def greedy_schedule(problem: Problem) -> tuple[list[Placement], list[int]]:
    """Hearings by requested date (then input order), each to its best free slot."""
    timeline = Timeline(problem, [])
    placed, missing = [], []
    order = sorted(range(len(problem.hearings)), key=lambda h: (problem.hearings[h].requested, h))
    for h in order:
        best = proposals(problem, h, timeline, 1)
        if best:
            placed.append(best[0].placement)
            timeline.add(best[0].placement)
        else:
            missing.append(h)
    return placed, missing
