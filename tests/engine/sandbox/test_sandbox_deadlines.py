from datetime import UTC, datetime

import pytest

from engine.deadlines import hours_deadline, is_working_day, working_days_deadline


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_three_working_days_across_proclamation_day() -> None:
    # Mon 16 Nov 2026; Wed 18 Nov is a holiday: Tue 17, Thu 19, Fri 20 -> end of Fri (EET).
    assert working_days_deadline(utc(2026, 11, 16, 8), 3) == utc(2026, 11, 20, 22)


def test_working_days_across_christmas_and_new_year() -> None:
    # Wed 23 Dec 2026: 24-26 Dec holidays, weekend, Mon 28 (1), Tue 29 (2).
    assert working_days_deadline(utc(2026, 12, 23, 9), 2) == utc(2026, 12, 29, 22)
    # Wed 30 Dec: 31 Dec and 1 Jan holidays, weekend, Mon 4 Jan 2027 is the first.
    assert working_days_deadline(utc(2026, 12, 30, 9), 1) == utc(2027, 1, 4, 22)


def test_working_days_across_weekend_and_riga_date_line() -> None:
    # Fri 5 Mar 2027 23:30 UTC is already Saturday 01:30 in Riga.
    assert working_days_deadline(utc(2027, 3, 5, 23, 30), 1) == utc(2027, 3, 8, 22)
    # Thu 11 Mar 2027: Fri 12, (weekend), Mon 15.
    assert working_days_deadline(utc(2027, 3, 11, 9), 2) == utc(2027, 3, 15, 22)


def test_summer_time_deadline_ends_at_riga_midnight() -> None:
    # Mon 7 Jun 2027 (EEST, UTC+3): 1 working day -> end of Tue 8 Jun = 21:00 UTC.
    assert working_days_deadline(utc(2027, 6, 7, 9), 1) == utc(2027, 6, 8, 21)


def test_moved_holidays_and_working_saturday() -> None:
    # 18 Nov 2028 is a Saturday: Monday 20 Nov is the observed holiday.
    assert not is_working_day(datetime(2028, 11, 20).date())
    # Cabinet order: 2 Jan 2026 off, Saturday 17 Jan 2026 worked.
    assert not is_working_day(datetime(2026, 1, 2).date())
    assert is_working_day(datetime(2026, 1, 17).date())


def test_hours_deadline_is_elapsed_time() -> None:
    assert hours_deadline(utc(2027, 3, 27, 12), 48) == utc(2027, 3, 29, 12)


@pytest.mark.parametrize("n", [-1, 1.5, True, "3"])
def test_bad_working_day_counts_are_refused(n) -> None:
    with pytest.raises(ValueError):
        working_days_deadline(utc(2027, 1, 4), n)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        hours_deadline(datetime(2027, 1, 4), 1)
