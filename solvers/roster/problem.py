"""Duty-prosecutor roster input: validated dataclasses and the dict → dataclass parser."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from solvers.errors import SolverInputError
from solvers.validation import (
    as_clock,
    as_date,
    as_id,
    as_id_list,
    as_int,
    as_list,
    as_str_list,
    require_mapping,
    require_unique,
)
from solvers.validation import field as get

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Shift:
    id: str
    start_minute: int
    hours: int

    @property
    def is_night(self) -> bool:
        """A night shift is one that crosses midnight."""
        return self.start_minute + self.hours * 60 > MINUTES_PER_DAY


@dataclass(frozen=True)
class Preferences:
    avoid_dates: frozenset[dt.date] = frozenset()
    avoid_shifts: frozenset[str] = frozenset()
    prefer_shifts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Prosecutor:
    id: str
    regions: frozenset[str]
    unavailable: frozenset[dt.date]
    prior_duties: int
    preferences: Preferences


@dataclass(frozen=True)
class Rules:
    min_rest_hours: int
    max_shifts_per_7_days: int
    max_nights_per_7_days: int


@dataclass(frozen=True)
class Problem:
    start: dt.date
    days: int
    regions: tuple[str, ...]
    shifts: tuple[Shift, ...]
    prosecutors: tuple[Prosecutor, ...]
    rules: Rules
    # (day index, region index, shift index) → prosecutor index, kept as given; used to
    # carry the end of the previous month into the next when a long horizon is split.
    fixed: dict[tuple[int, int, int], int] = field(default_factory=dict)

    def date(self, day: int) -> dt.date:
        return self.start + dt.timedelta(days=day)


def parse_problem(data: Any) -> Problem:
    """Validate a JSON-like dict; raises SolverInputError naming the offending field."""
    data = require_mapping(data, "input")
    start = as_date(get(data, "start", ""), "start")
    days = as_int(get(data, "days", ""), "days", minimum=1)
    regions = as_str_list(get(data, "regions", ""), "regions")
    for index, region in enumerate(regions):
        if region in regions[:index]:
            raise SolverInputError(f"regions[{index}]", f"duplicate region {region!r}")
    shifts = tuple(_shift(item, f"shifts[{i}]") for i, item in enumerate(as_list(get(data, "shifts", ""), "shifts")))
    require_unique((s.id for s in shifts), "shifts")
    prosecutors = tuple(
        _prosecutor(item, f"prosecutors[{i}]")
        for i, item in enumerate(as_list(get(data, "prosecutors", ""), "prosecutors"))
    )
    require_unique((p.id for p in prosecutors), "prosecutors")
    rules_data = require_mapping(get(data, "rules", ""), "rules")
    rules = Rules(
        min_rest_hours=as_int(get(rules_data, "min_rest_hours", "rules", 12), "rules.min_rest_hours"),
        max_shifts_per_7_days=as_int(get(rules_data, "max_shifts_per_7_days", "rules"), "rules.max_shifts_per_7_days"),
        max_nights_per_7_days=as_int(get(rules_data, "max_nights_per_7_days", "rules"), "rules.max_nights_per_7_days"),
    )
    return Problem(start, days, regions, shifts, prosecutors, rules)


def _shift(value: Any, path: str) -> Shift:
    data = require_mapping(value, path)
    hours = as_int(get(data, "hours", path), f"{path}.hours", minimum=1)
    if hours > 24:
        raise SolverInputError(f"{path}.hours", f"must be at most 24, got {hours}")
    return Shift(
        id=as_id(get(data, "id", path), f"{path}.id"),
        start_minute=as_clock(get(data, "start", path), f"{path}.start"),
        hours=hours,
    )


def _dates(value: Any, path: str) -> frozenset[dt.date]:
    return frozenset(as_date(item, f"{path}[{i}]") for i, item in enumerate(as_list(value, path)))


def _prosecutor(value: Any, path: str) -> Prosecutor:
    data = require_mapping(value, path)
    prefs = require_mapping(get(data, "preferences", path, {}), f"{path}.preferences")
    ppath = f"{path}.preferences"
    return Prosecutor(
        id=as_id(get(data, "id", path), f"{path}.id"),
        regions=frozenset(as_str_list(get(data, "regions", path), f"{path}.regions")),
        unavailable=_dates(get(data, "unavailable", path, []), f"{path}.unavailable"),
        prior_duties=as_int(get(data, "prior_duties", path, 0), f"{path}.prior_duties"),
        preferences=Preferences(
            avoid_dates=_dates(get(prefs, "avoid_dates", ppath, []), f"{ppath}.avoid_dates"),
            avoid_shifts=frozenset(as_id_list(get(prefs, "avoid_shifts", ppath, []), f"{ppath}.avoid_shifts")),
            prefer_shifts=frozenset(as_id_list(get(prefs, "prefer_shifts", ppath, []), f"{ppath}.prefer_shifts")),
        ),
    )
