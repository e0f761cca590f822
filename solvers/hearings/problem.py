"""Hearing scheduling input: validated dataclasses and the dict → dataclass parser.

Times are Europe/Riga wall-clock times on a grid of ``slot_minutes``; internally a
time is the number of grid units since midnight of the horizon's first day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from solvers.errors import SolverInputError
from solvers.validation import (
    as_bool,
    as_clock,
    as_date,
    as_datetime,
    as_id,
    as_id_list,
    as_int,
    as_list,
    as_str,
    require_mapping,
    require_unique,
)
from solvers.validation import field as get

ROLES = ("judge", "prosecutor", "advocate", "accused", "victim", "witness", "other")
ROOM_KINDS = ("courtroom", "video")


@dataclass(frozen=True)
class Resource:
    """A participant, room or convoy with busy intervals in grid units."""

    id: str
    kind: str  # role of a participant, kind of a room, "convoy"
    busy: tuple[tuple[int, int], ...]
    in_prison: bool = False


@dataclass(frozen=True)
class Hearing:
    id: str
    duration: int  # grid units
    participants: tuple[str, ...]
    requested: int  # day index
    earliest: int
    latest: int


@dataclass(frozen=True)
class Problem:
    start: dt.date
    days: int
    slot_minutes: int
    day_start: int  # grid units after midnight
    day_end: int
    rooms: tuple[Resource, ...]
    participants: tuple[Resource, ...]
    convoys: tuple[Resource, ...]
    hearings: tuple[Hearing, ...]

    @property
    def units_per_day(self) -> int:
        return 24 * 60 // self.slot_minutes

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)

    def clock(self, units: int) -> str:
        moment = dt.datetime.combine(self.start, dt.time()) + dt.timedelta(minutes=units * self.slot_minutes)
        return moment.strftime("%Y-%m-%dT%H:%M")

    def needs_prison_link(self, hearing: Hearing) -> bool:
        people = {p.id: p for p in self.participants}
        return any(people[p].in_prison for p in hearing.participants)


def parse_problem(data: Any) -> Problem:
    data = require_mapping(data, "input")
    start = as_date(get(data, "start", ""), "start")
    days = as_int(get(data, "days", ""), "days", minimum=1)
    slot = as_int(get(data, "slot_minutes", "", 15), "slot_minutes", minimum=1)
    if 1440 % slot:
        raise SolverInputError("slot_minutes", f"must divide a day evenly, got {slot}")
    hours = require_mapping(get(data, "working_hours", "", {}), "working_hours")
    day_start = _on_grid(as_clock(get(hours, "start", "working_hours", "09:00"), "working_hours.start"), slot,
                         "working_hours.start")
    day_end = _on_grid(as_clock(get(hours, "end", "working_hours", "17:00"), "working_hours.end"), slot,
                       "working_hours.end")
    if day_end <= day_start:
        raise SolverInputError("working_hours.end", "must be after working_hours.start")
    context = (start, slot)
    rooms = _resources(data, "rooms", context, kinds=ROOM_KINDS, default_kind="courtroom")
    participants = _resources(data, "participants", context, kinds=ROLES, default_kind="other")
    convoys = _resources(data, "convoys", context, kinds=("convoy",), default_kind="convoy", required=False)
    known = {p.id for p in participants}
    hearings = []
    for i, item in enumerate(as_list(get(data, "hearings", ""), "hearings")):
        hearings.append(_hearing(item, f"hearings[{i}]", start, days, slot, known))
    require_unique((h.id for h in hearings), "hearings")
    return Problem(start, days, slot, day_start, day_end, rooms, participants, convoys, tuple(hearings))


def _on_grid(minutes: int, slot: int, path: str) -> int:
    if minutes % slot:
        raise SolverInputError(path, f"must lie on the {slot}-minute grid")
    return minutes // slot


def _resources(data, key, context, kinds, default_kind, required=True) -> tuple[Resource, ...]:
    items = as_list(get(data, key, "") if required else get(data, key, "", []), key)
    found = []
    for i, item in enumerate(items):
        path = f"{key}[{i}]"
        row = require_mapping(item, path)
        kind = as_str(get(row, "kind" if key != "participants" else "role", path, default_kind), f"{path}.kind")
        if kind not in kinds:
            raise SolverInputError(f"{path}.kind", f"must be one of {', '.join(kinds)}, got {kind!r}")
        busy = []
        for j, interval in enumerate(as_list(get(row, "busy", path, []), f"{path}.busy")):
            busy.append(_interval(interval, f"{path}.busy[{j}]", context))
        found.append(Resource(
            id=as_id(get(row, "id", path), f"{path}.id"), kind=kind, busy=tuple(busy),
            in_prison=as_bool(get(row, "in_prison", path, False), f"{path}.in_prison"),
        ))
    require_unique((r.id for r in found), key)
    return tuple(found)


def _interval(value: Any, path: str, context: tuple[dt.date, int]) -> tuple[int, int]:
    start_date, slot = context
    row = require_mapping(value, path)
    origin = dt.datetime.combine(start_date, dt.time())
    begin = as_datetime(get(row, "start", path), f"{path}.start")
    end = as_datetime(get(row, "end", path), f"{path}.end")
    if end <= begin:
        raise SolverInputError(f"{path}.end", "must be after start")
    # Busy time is widened to whole grid cells so nothing overlaps it.
    first = int((begin - origin).total_seconds() // 60) // slot
    last = -(-int((end - origin).total_seconds() // 60) // slot)
    return first, last


def _hearing(value: Any, path: str, start: dt.date, days: int, slot: int, known: set[str]) -> Hearing:
    row = require_mapping(value, path)
    minutes = as_int(get(row, "duration_minutes", path), f"{path}.duration_minutes", minimum=1)
    participants = as_id_list(get(row, "participants", path), f"{path}.participants")
    for j, pid in enumerate(participants):
        if pid not in known:
            raise SolverInputError(f"{path}.participants[{j}]", f"unknown participant {pid!r}")
    if len(set(participants)) != len(participants):
        raise SolverInputError(f"{path}.participants", "lists a participant twice")

    def day(key: str, default: int) -> int:
        if key not in row:
            return default
        return (as_date(row[key], f"{path}.{key}") - start).days

    requested = day("requested", 0)
    earliest, latest = max(day("earliest", 0), 0), min(day("latest", days - 1), days - 1)
    return Hearing(
        id=as_id(get(row, "id", path), f"{path}.id"),
        duration=-(-minutes // slot),
        participants=participants,
        requested=requested,
        earliest=earliest,
        latest=latest,
    )
