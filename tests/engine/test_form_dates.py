"""`engine.form_dates`: dates a form marks `x-not-in-future` are compared with today in Riga."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.form_dates import DATE_IN_FUTURE, future_date_errors

SCHEMA = {
    "type": "object",
    "properties": {
        "crime_on": {"type": "string", "format": "date", "x-not-in-future": True},
        "hearing_on": {"type": "string", "format": "date"},
        "victim": {"type": "object", "properties": {"born/on": {"type": "string", "x-not-in-future": True}}},
    },
}
# 21:59 UTC on 4 January is 23:59 in Riga; 22:00 UTC is already 5 January there.
LATE_ON_THE_4TH = datetime(2027, 1, 4, 21, 59, tzinfo=UTC)
MIDNIGHT_IN_RIGA = datetime(2027, 1, 4, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("data", "now", "fields"),
    [
        ({"crime_on": "2027-01-05"}, LATE_ON_THE_4TH, ["/crime_on"]),
        ({"crime_on": "2027-01-05"}, MIDNIGHT_IN_RIGA, []),
        ({"crime_on": "2027-01-04"}, LATE_ON_THE_4TH, []),
        ({"hearing_on": "2030-01-01"}, LATE_ON_THE_4TH, []),  # not marked: a future hearing is fine
        ({"crime_on": "2027-02-31"}, LATE_ON_THE_4TH, []),  # not a date: its format error says so
        ({"crime_on": 20270105}, LATE_ON_THE_4TH, []),  # not text: its type error says so
        ({"victim": {"born/on": "2028-01-01"}}, LATE_ON_THE_4TH, ["/victim/born~1on"]),
        ({}, LATE_ON_THE_4TH, []),
    ],
)
def test_only_marked_dates_after_today_in_riga_are_refused(data, now, fields):
    errors = future_date_errors(SCHEMA, data, now)
    assert [e["field"] for e in errors] == fields
    assert all(e["template"] == DATE_IN_FUTURE and e["params"] == {"today": "2027-01-04"} for e in errors)
