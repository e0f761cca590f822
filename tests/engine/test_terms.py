"""Legal terms from a date (engine.deadlines): days, months, working days and hours, by the Latvian
rules — start day not counted, 24:00 Riga time of the last day, a last day that is not a working
day moves to the next one, months end on the same-numbered day or the month's last."""

from datetime import UTC, date, datetime

import pytest

from engine.deadlines import days_deadline, hours_deadline, months_deadline, working_days_deadline

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("term", "n", "start", "ends"),
    [
        # 18 November (Proclamation Day) is a Thursday in 2027: the term moves to Friday 19th.
        (days_deadline, 10, "2027-11-08", utc(2027, 11, 19, 22)),
        # A timestamp just after midnight in Riga starts on the next Riga day.
        (days_deadline, 10, "2027-11-08T22:30:00Z", utc(2027, 11, 19, 22)),
        (days_deadline, 10, "2027-11-08T23:30:00+02:00", utc(2027, 11, 19, 22)),
        # 23 and 24 June (Līgo, Jāņi) are holidays: a last day on the 23rd ends on Friday the 25th.
        (days_deadline, 7, "2027-06-16", utc(2027, 6, 25, 21)),
        (working_days_deadline, 3, "2027-06-22", utc(2027, 6, 29, 21)),
        # Christmas (24–26 Dec) and the year end (31 Dec, 1 Jan).
        (days_deadline, 2, "2027-12-22", utc(2027, 12, 27, 22)),
        (working_days_deadline, 3, "2027-12-23", utc(2027, 12, 29, 22)),
        (days_deadline, 8, "2027-12-23", utc(2028, 1, 3, 22)),
        # A last day on a Sunday moves to Monday.
        (days_deadline, 5, "2027-03-02", utc(2027, 3, 8, 22)),
        (days_deadline, 0, "2027-03-02", utc(2027, 3, 2, 22)),
        # Month ends: 31 Jan + 1 month is 28 Feb 2027 (a Sunday, so Monday 1 March) and 29 Feb 2028.
        (months_deadline, 1, "2027-01-31", utc(2027, 3, 1, 22)),
        (months_deadline, 1, "2028-01-31", utc(2028, 2, 29, 22)),
        (months_deadline, 1, "2028-02-29", utc(2028, 3, 29, 21)),  # summer time from 26 March 2028
        (months_deadline, 12, "2028-02-29", utc(2029, 2, 28, 22)),
        (months_deadline, 2, "2027-12-31", utc(2028, 2, 29, 22)),
        (months_deadline, 1, date(2027, 5, 15), utc(2027, 6, 15, 21)),
        # Hours run on the clock, across the change to summer time (28 March 2027).
        (hours_deadline, 48, "2027-03-26T10:00:00+02:00", utc(2027, 3, 28, 8)),
        (hours_deadline, 24, "2027-03-27", utc(2027, 3, 27, 22)),  # a date: from 00:00 Riga time
    ],
)
def test_terms_from_a_start(term, n, start, ends):
    assert term(NOW, n, start) == ends


def test_terms_without_a_start_count_from_now():
    assert days_deadline(utc(2027, 11, 8, 9), 10) == utc(2027, 11, 19, 22)
    assert months_deadline(utc(2027, 1, 31, 12), 1) == utc(2027, 3, 1, 22)
    assert hours_deadline(utc(2027, 1, 31, 12), 1.5) == utc(2027, 1, 31, 13, 30)


@pytest.mark.parametrize(
    ("term", "n", "start"),
    [
        (months_deadline, -1, None),
        (months_deadline, 1.5, None),
        (months_deadline, 1201, None),
        (days_deadline, True, None),
        (days_deadline, 3, "31.01.2027"),
        (days_deadline, 3, 20270131),
        (hours_deadline, -2, None),
        (working_days_deadline, 3661, None),
    ],
)
def test_bad_terms_are_refused_with_a_sentence(term, n, start):
    with pytest.raises(ValueError, match="must be"):
        term(NOW, n, start)
