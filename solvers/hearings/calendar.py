"""Working days of the horizon: weekends and Latvian public holidays are closed."""

from __future__ import annotations

from functools import lru_cache

from solvers.hearings.problem import Hearing, Problem


@lru_cache(maxsize=16)
def _latvian_holidays(years: tuple[int, ...]) -> frozenset:
    import holidays  # imported lazily: it is only needed for hearings

    return frozenset(holidays.country_holidays("LV", years=list(years)))


def working_days(problem: Problem) -> list[int]:
    dates = [problem.date(d) for d in range(problem.days)]
    closed = _latvian_holidays(tuple(sorted({d.year for d in dates})))
    return [d for d, date in enumerate(dates) if date.weekday() < 5 and date not in closed]


def allowed_days(problem: Problem, hearing: Hearing, open_days: list[int]) -> list[int]:
    return [d for d in open_days if hearing.earliest <= d <= hearing.latest]
