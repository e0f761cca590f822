"""CP-SAT model of hearing scheduling: variables, constraints, objective.

Each hearing picks one allowed working day and a start inside working hours; optional
intervals choose its room and, for a prisoner without a video link, its convoy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from solvers.cpsat import cp_model
from solvers.hearings.calendar import allowed_days, working_days
from solvers.hearings.problem import Problem
from solvers.hearings.timeline import Placement


@dataclass
class HearingModel:
    model: Any
    index: list[int]  # hearings in the model (those with at least one allowed day)
    day: dict[tuple[int, int], Any] = field(default_factory=dict)
    start: dict[int, Any] = field(default_factory=dict)
    interval: dict[int, Any] = field(default_factory=dict)
    room: dict[tuple[int, int], Any] = field(default_factory=dict)
    room_interval: dict[tuple[int, int], Any] = field(default_factory=dict)
    convoy: dict[tuple[int, int], Any] = field(default_factory=dict)
    convoy_interval: dict[tuple[int, int], Any] = field(default_factory=dict)
    lateness: Any = 0
    idle: Any = 0


def build_model(problem: Problem, hearings: list[int]) -> HearingModel:
    built = HearingModel(model=cp_model().CpModel(), index=hearings)
    add_variables(built, problem)
    add_constraints(built, problem)
    set_objective(built, problem)
    return built


def add_variables(built: HearingModel, problem: Problem) -> None:
    model, per_day = built.model, problem.units_per_day
    open_days = working_days(problem)
    for h in built.index:
        hearing = problem.hearings[h]
        days = allowed_days(problem, hearing, open_days)
        starts = [(d * per_day + problem.day_start, d * per_day + problem.day_end - hearing.duration) for d in days]
        domain = cp_model().Domain.from_intervals([list(pair) for pair in starts])
        start = model.new_int_var_from_domain(domain, f"start_{h}")
        built.start[h] = start
        built.interval[h] = model.new_fixed_size_interval_var(start, hearing.duration, f"hearing_{h}")
        for d in days:
            chosen = built.day[h, d] = model.new_bool_var(f"day_{h}_{d}")
            model.add(start >= d * per_day).only_enforce_if(chosen)
            model.add(start < (d + 1) * per_day).only_enforce_if(chosen)
        model.add_exactly_one(built.day[h, d] for d in days)
        prison_link = problem.needs_prison_link(hearing)
        for r in range(len(problem.rooms)):
            present = built.room[h, r] = model.new_bool_var(f"room_{h}_{r}")
            built.room_interval[h, r] = model.new_optional_fixed_size_interval_var(
                start, hearing.duration, present, f"in_room_{h}_{r}")
        if prison_link:
            for c in range(len(problem.convoys)):
                present = built.convoy[h, c] = model.new_bool_var(f"convoy_{h}_{c}")
                built.convoy_interval[h, c] = model.new_optional_fixed_size_interval_var(
                    start, hearing.duration, present, f"convoy_{h}_{c}")


def add_constraints(built: HearingModel, problem: Problem) -> None:
    model = built.model
    fixed = lambda span: model.new_fixed_size_interval_var(span[0], span[1] - span[0], "busy")  # noqa: E731
    by_participant: dict[str, list[Any]] = defaultdict(list)
    for h in built.index:
        hearing = problem.hearings[h]
        for pid in hearing.participants:
            by_participant[pid].append(built.interval[h])
        rooms = [built.room[h, r] for r in range(len(problem.rooms))]
        model.add_exactly_one(rooms)
        if problem.needs_prison_link(hearing):
            video = [built.room[h, r] for r, room in enumerate(problem.rooms) if room.kind == "video"]
            convoys = [built.convoy[h, c] for c in range(len(problem.convoys))]
            # a prisoner comes by convoy to a courtroom, or joins by video link
            model.add(sum(convoys) + sum(video) == 1)
    for person in problem.participants:
        if len(by_participant[person.id]) + len(person.busy) > 1:
            model.add_no_overlap(by_participant[person.id] + [fixed(b) for b in person.busy])
    for r, room in enumerate(problem.rooms):
        model.add_no_overlap([built.room_interval[h, r] for h in built.index] + [fixed(b) for b in room.busy])
    for c, convoy in enumerate(problem.convoys):
        trips = [built.convoy_interval[h, c] for h in built.index if (h, c) in built.convoy_interval]
        model.add_no_overlap(trips + [fixed(b) for b in convoy.busy])


def set_objective(built: HearingModel, problem: Problem) -> None:
    """Lateness in days first, then idle time between a participant's hearings of a day."""
    model, per_day = built.model, problem.units_per_day
    built.lateness = sum(
        max(0, d - problem.hearings[h].requested) * var for (h, d), var in built.day.items()
    )
    idle_terms = []
    day_length = problem.day_end - problem.day_start
    for person in problem.participants:
        theirs = [h for h in built.index if person.id in problem.hearings[h].participants]
        days = sorted({d for (h, d) in built.day if h in theirs})
        for d in days:
            on_day = [h for h in theirs if (h, d) in built.day]
            if len(on_day) < 2:
                continue
            low, high = d * per_day + problem.day_start, d * per_day + problem.day_end
            first = model.new_int_var(low, high, f"first_{person.id}_{d}")
            last = model.new_int_var(low, high, f"last_{person.id}_{d}")
            gap = model.new_int_var(0, day_length, f"idle_{person.id}_{d}")
            for h in on_day:
                here = built.day[h, d]
                model.add(first <= built.start[h]).only_enforce_if(here)
                model.add(last >= built.start[h] + problem.hearings[h].duration).only_enforce_if(here)
            worked = sum(problem.hearings[h].duration * built.day[h, d] for h in on_day)
            model.add(gap >= last - first - worked)
            idle_terms.append(gap)
    built.idle = sum(idle_terms)
    idle_bound = len(idle_terms) * day_length + 1
    model.minimize(built.lateness * idle_bound + built.idle)


def add_hint(built: HearingModel, problem: Problem, placements: list[Placement]) -> None:
    per_day = problem.units_per_day
    by_hearing = {p.hearing: p for p in placements}
    for h in built.index:
        placement = by_hearing.get(h)
        if placement is None:
            continue
        built.model.add_hint(built.start[h], placement.start)
        for (hh, d), var in built.day.items():
            if hh == h:
                built.model.add_hint(var, d == placement.start // per_day)
        for r in range(len(problem.rooms)):
            built.model.add_hint(built.room[h, r], r == placement.room)
        for c in range(len(problem.convoys)):
            if (h, c) in built.convoy:
                built.model.add_hint(built.convoy[h, c], c == placement.convoy)


def read_schedule(built: HearingModel, problem: Problem, solver: Any) -> list[Placement]:
    placements = []
    for h in built.index:
        room = next(r for r in range(len(problem.rooms)) if solver.boolean_value(built.room[h, r]))
        convoy = next((c for c in range(len(problem.convoys))
                       if (h, c) in built.convoy and solver.boolean_value(built.convoy[h, c])), None)
        placements.append(Placement(h, solver.value(built.start[h]), room, convoy))
    return placements
