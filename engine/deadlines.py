"""Statutory deadlines: working days by the Latvian calendar, and elapsed hours.

Pure functions of an injected "now"; they never read the wall clock, so a deadline computed for
an instance is reproducible in tests and after a replay.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

RIGA = ZoneInfo("Europe/Riga")

# `holidays` fills its year table lazily on lookup, which is not safe to share between threads.
_calendar_lock = threading.Lock()


@lru_cache(maxsize=64)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("LV", years=year)


def is_working_day(day: date) -> bool:
    """Mon–Fri that is not a Latvian public holiday, or a Saturday declared a working day.

    The `holidays` package knows the days moved by Cabinet order (e.g. 2 Jan 2026 off, 17 Jan 2026
    worked) only for years in which the order has been issued.
    """
    with _calendar_lock:
        return bool(_calendar(day.year).is_working_day(day))


def riga_today(now: datetime) -> date:
    return _aware(now).astimezone(RIGA).date()


def working_days_deadline(now: datetime, n: int) -> datetime:
    """End (24:00 Riga time) of the n-th working day after the current Riga day, in UTC.

    With n == 0 the deadline is the end of the current day.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"the number of working days must be a whole number >= 0, not {n!r}")
    if n > 3660:
        raise ValueError("the number of working days must be at most 3660")
    day = riga_today(now)
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=RIGA)
    return end.astimezone(UTC)


def hours_deadline(now: datetime, n: float) -> datetime:
    """`now` plus n elapsed hours, in UTC (daylight saving changes do not stretch it)."""
    if isinstance(n, bool) or not isinstance(n, (int, float)) or n < 0 or n > 24 * 366 * 10:
        raise ValueError(f"the number of hours must be between 0 and 87840, not {n!r}")
    return _aware(now).astimezone(UTC) + timedelta(hours=n)


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("deadlines need a timezone-aware 'now'")
    return now
