"""Timer values bounded on their text, in microseconds, before SpiffWorkflow parses them."""

import time
from datetime import UTC, datetime

import pytest

from engine.budgets import DEFAULT_BUDGETS
from engine.timer_bounds import duration_seconds, timer_problem

NOW = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("text, seconds", [
    ("PT48H", 48 * 3600.0), ("P3D", 3 * 86400.0), ("P1W", 7 * 86400.0), ("PT1.5H", 5400.0),
    ("P1DT2H", 93600.0), ("P", 0.0), ("p2d", 2 * 86400.0),
    ("P1Y2W", None), ("PT", None), ("P1.5DT2H", None), ("P-1D", None), ("48 hours", None),
])
def test_duration_seconds_reads_what_spiffworkflow_reads(text, seconds):
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("kind, value, problem", [
    ("duration", "PT48H", None),
    ("duration", "P100Y", None),
    ("duration", "P1000000Y", "more than 100 years"),
    ("duration", "P" + "9" * 90 + "Y", "more than 100 years"),
    ("duration", "P" + "9" * 200 + "Y", "characters long"),
    ("duration", "2030-01-01T00:00:00+00:00", "not an ISO 8601 duration"),
    ("date", "2030-01-01T00:00:00+00:00", None),
    ("date", "2200-01-01T00:00:00+00:00", "more than 100 years"),
    ("date", "PT1H", "not an ISO 8601 date and time"),
    ("date", "tomorrow", "not an ISO 8601 date and time"),
    ("cycle", "R2/PT1H", None),
    ("cycle", "R/PT1M", None),
    ("cycle", "R/2027-02-01T00:00:00+00:00/P1D", None),
    ("cycle", "R3/P1D/2027-02-01T00:00:00+00:00", None),
    ("cycle", "R/PT0S", "more often than every 60 s"),
    ("cycle", "R1/P99999999999Y", "more than 100 years"),
    ("cycle", "R99999999/PT1H", "repeats more than 1000000 times"),
    ("cycle", "R/2027-02-01T00:00:00+00:00/2027-03-01T00:00:00+00:00", "exactly one duration"),
    ("cycle", "PT1H", "not an ISO 8601 repeating interval"),
    ("duration", 42, "not an ISO 8601 text"),
    ("duration", None, "not an ISO 8601 text"),
])
def test_timer_problem(kind, value, problem):
    found = timer_problem(kind, value, NOW, DEFAULT_BUDGETS)
    assert (found is None) if problem is None else (problem in found), found


def test_bounding_a_hostile_value_costs_nothing():
    started = time.perf_counter()
    for value in ("R1/P99999999999Y", "P1000000Y", "P99999999999W"):
        timer_problem("cycle" if value.startswith("R") else "duration", value, NOW, DEFAULT_BUDGETS)
    assert time.perf_counter() - started < 0.1
