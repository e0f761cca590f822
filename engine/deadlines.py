"""Legal terms by the Latvian rules: in working days, days, months and hours, from a date.

Pure functions of an injected "now"; they never read the wall clock, so a deadline computed for
an instance is reproducible in tests and after a replay.

The rules, as the Criminal Procedure Law's chapter on procedural terms (Chapter 18, Sections
312–317; the section on calculating terms, "Termiņu aprēķināšana") and the Civil Procedure Law
(Section 48) state them, which the Administrative Procedure Law follows too:
- the day (or hour) from which a term runs is not counted: a term of n days from 3 March ends on
  3 March + n;
- a term in days or months ends at 24:00 (Europe/Riga) of its last day: whatever is done before
  midnight of that day is in time;
- a term in months ends on the same-numbered day of the later month; a month with no such day
  ends it on its last day (31 January + 1 month → 28 February, or 29 in a leap year);
- when the last day of a term in days or months is a Saturday, a Sunday or a public holiday, the
  term ends on the next working day (the Latvian public-holiday calendar, transferred working days
  included);
- a term in working days counts only working days after the start day;
- a term in hours runs on the clock (48 hours of detention are 48 elapsed hours, nights, weekends
  and the change to summer time included).
The section numbers were read from the law's published structure, not from an official
consolidated text here: check them against likumi.lv before quoting them in a decision.
"""

from __future__ import annotations

import calendar
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


def working_days_deadline(now: datetime, n: int, start: date | datetime | str | None = None) -> datetime:
    """End (24:00 Riga time) of the n-th working day after the start day (default: today), in UTC.

    With n == 0 the deadline is the end of the start day.
    """
    _whole(n, "working days", 3660)
    day = _start_day(start, now)
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return _end_of(day)


def days_deadline(now: datetime, n: int, start: date | datetime | str | None = None) -> datetime:
    """End of a term of n days from the start day: the start day is not counted, and a last day
    that is not a working day moves to the next working day."""
    _whole(n, "days", 36600)
    return _end_of(next_working_day(_start_day(start, now) + timedelta(days=n)))


def months_deadline(now: datetime, n: int, start: date | datetime | str | None = None) -> datetime:
    """End of a term of n months: the same-numbered day of the later month, or that month's last
    day when it has none; a last day that is not a working day moves to the next working day."""
    _whole(n, "months", 1200)
    first = _start_day(start, now)
    month_index = first.month - 1 + n
    year, month = first.year + month_index // 12, month_index % 12 + 1
    day = min(first.day, calendar.monthrange(year, month)[1])
    return _end_of(next_working_day(date(year, month, day)))


def hours_deadline(now: datetime, n: float, start: date | datetime | str | None = None) -> datetime:
    """The start (default: now; a date means 00:00 Riga time of it) plus n elapsed hours, in UTC:
    daylight saving changes do not stretch it."""
    if isinstance(n, bool) or not isinstance(n, (int, float)) or not 0 <= n <= 24 * 366 * 10:
        raise ValueError(f"the number of hours must be between 0 and 87840, not {n!r}")
    moment = _start_moment(start, now)
    return moment.astimezone(UTC) + timedelta(hours=n)


def next_working_day(day: date) -> date:
    """The day itself when it is a working day, else the first working day after it."""
    for _ in range(30):  # no Latvian holiday run is longer than a few days
        if is_working_day(day):
            return day
        day += timedelta(days=1)
    raise ValueError(f"no working day within 30 days of {day.isoformat()}")


def _whole(n, what: str, most: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= most:
        raise ValueError(f"the number of {what} must be a whole number from 0 to {most}, not {n!r}")


def _end_of(day: date) -> datetime:
    """24:00 Riga time of `day`, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=RIGA).astimezone(UTC)


def _start_moment(start, now: datetime) -> datetime:
    if start is None:
        return _aware(now)
    if isinstance(start, datetime):
        return _aware(start)
    if isinstance(start, date):
        return datetime.combine(start, time(0), tzinfo=RIGA)
    if isinstance(start, str):
        text = start.strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), time(0), tzinfo=RIGA)
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as err:
            raise ValueError(f"a term's start must be a date (YYYY-MM-DD) or an ISO timestamp, not {start[:40]!r}") from err
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=RIGA)
    raise ValueError(f"a term's start must be a date or an ISO timestamp, not {type(start).__name__}")


def _start_day(start, now: datetime) -> date:
    """The Riga calendar day a term starts from (it is not counted)."""
    return _start_moment(start, now).astimezone(RIGA).date()


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("deadlines need a timezone-aware 'now'")
    return now
