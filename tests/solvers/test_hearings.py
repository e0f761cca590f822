"""Hearing scheduling: known optima, prison links, holidays, proposals, checker, errors."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvers import SolverInputError
from solvers.hearings import check, parse_problem, propose_slots, solve
from solvers.hearings.result import score
from solvers.hearings.timeline import greedy_schedule


def problem(hearings, participants=None, rooms=None, convoys=(), start="2026-03-02", days=5, **extra):
    return {"start": start, "days": days, "slot_minutes": 30,
            "working_hours": {"start": "09:00", "end": "12:00"},
            "rooms": rooms or [{"id": "Z1", "kind": "courtroom"}], "convoys": list(convoys),
            "participants": participants or [{"id": "J", "role": "judge"}, {"id": "P", "role": "prosecutor"}],
            "hearings": hearings, **extra}


def hearing(id, minutes=60, who=("J", "P"), requested="2026-03-02", **extra):
    return {"id": id, "duration_minutes": minutes, "participants": list(who), "requested": requested, **extra}


def placed(result):
    return {h["hearing_id"]: (h["start"], h["room"], h["convoy"]) for h in result["hearings"]}


PRISONER = [{"id": "J", "role": "judge"}, {"id": "D", "role": "accused", "in_prison": True}]
KNOWN = [
    pytest.param(  # two 90-minute hearings fill the 3-hour day back to back: no lateness, no idle
        problem([hearing("a", 90), hearing("b", 90)]),
        {"a": ("2026-03-02T09:00", "Z1", None), "b": ("2026-03-02T10:30", "Z1", None)}, (0, 0), id="back-to-back",
    ),
    pytest.param(  # a third hearing no longer fits on Monday: one day late
        problem([hearing("a", 90), hearing("b", 90), hearing("c", 60)]), None, (1, 0), id="one-day-late",
    ),
    pytest.param(  # the video room is busy, so the prisoner comes by convoy
        problem([hearing("a", 60, who=("J", "D"))], participants=PRISONER, convoys=[{"id": "K"}],
                rooms=[{"id": "V", "kind": "video", "busy": [{"start": "2026-03-02T09:00", "end": "2026-03-02T12:00"}]},
                       {"id": "Z", "kind": "courtroom"}]),
        {"a": ("2026-03-02T09:00", "Z", "K")}, (0, 0), id="convoy",
    ),
    pytest.param(  # no convoy at all: the video room on Tuesday
        problem([hearing("a", 60, who=("J", "D"))], participants=PRISONER,
                rooms=[{"id": "V", "kind": "video", "busy": [{"start": "2026-03-02T09:00", "end": "2026-03-02T12:00"}]},
                       {"id": "Z", "kind": "courtroom"}]),
        {"a": ("2026-03-03T09:00", "V", None)}, (1, 0), id="video-next-day",
    ),
    pytest.param(  # 4 May 2026 is a Latvian public holiday (restoration of independence, moved)
        problem([hearing("a", 60, requested="2026-05-04")], start="2026-05-04"),
        {"a": ("2026-05-05T09:00", "Z1", None)}, (1, 0), id="holiday",
    ),
    pytest.param(  # the judge is busy 09:00-10:00 on Monday; the prosecutor's hearings stay together
        problem([hearing("a", 60), hearing("b", 60, who=("P",))],
                participants=[{"id": "J", "role": "judge", "busy": [{"start": "2026-03-02T09:00",
                                                                      "end": "2026-03-02T10:00"}]},
                              {"id": "P", "role": "prosecutor"}]),
        None, (0, 0), id="busy-calendar",
    ),
]


@pytest.mark.parametrize(("data", "expected", "objective"), KNOWN)
def test_known_optimum(data, expected, objective):
    parsed = parse_problem(data)
    result = solve(parsed, time_limit=10).to_dict()
    assert result["status"] == "optimal"
    assert check(parsed, result) == []
    assert (result["objective"]["lateness_days"], result["objective"]["idle_minutes"]) == objective
    if expected is not None:
        assert placed(result) == expected


def test_impossible_hearing_is_reported_with_reason():
    data = problem([hearing("a", 240)])  # longer than the 3-hour working day
    result = solve(parse_problem(data)).to_dict()
    assert result["unscheduled"][0]["hearing_id"] == "a"
    assert "no working-day slot" in result["unscheduled"][0]["reason"]


@st.composite
def small_schedules(draw):
    n = draw(st.integers(1, 5))
    people = [{"id": "J1", "role": "judge"}, {"id": "J2", "role": "judge"}, {"id": "P", "role": "prosecutor"},
              {"id": "D", "role": "accused", "in_prison": True}]
    rows = [hearing(f"h{i}", draw(st.sampled_from([30, 60, 90])),
                    who=draw(st.lists(st.sampled_from(["J1", "J2", "P", "D"]), min_size=1, max_size=3, unique=True)),
                    requested=f"2026-03-0{draw(st.integers(2, 4))}") for i in range(n)]
    rooms = [{"id": "Z", "kind": "courtroom"}] + ([{"id": "V", "kind": "video"}] if draw(st.booleans()) else [])
    convoys = [{"id": "K"}] if draw(st.booleans()) else []
    return problem(rows, participants=people, rooms=rooms, convoys=convoys, days=3)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_schedules())
def test_valid_and_not_worse_than_greedy(data):
    parsed = parse_problem(data)
    result = solve(parsed, time_limit=10).to_dict()
    assert check(parsed, result) == []
    greedy, missing = greedy_schedule(parsed)
    if not missing and not result["unscheduled"]:
        ours = (result["objective"]["lateness_days"], result["objective"]["idle_minutes"] // 30)
        assert ours <= score(parsed, greedy)


def test_three_runs_are_identical(bench):
    data = bench.hearings_instance(1)
    outputs = []
    for _ in range(3):
        out = solve(parse_problem(data), time_limit=30).to_dict()
        out.pop("solve_seconds")
        outputs.append(json.dumps(out, sort_keys=True))
    assert outputs[0] == outputs[1] == outputs[2]


def test_proposals_respect_existing_schedule():
    data = problem([hearing("a", 90), hearing("new", 60, requested="2026-03-02")])
    parsed = parse_problem(data)
    existing = [{"hearing_id": "a", "start": "2026-03-02T09:00", "room": "Z1", "convoy": None}]
    slots = propose_slots(parsed, "new", existing, count=3)
    assert [s["start"] for s in slots] == ["2026-03-02T10:30", "2026-03-02T11:00", "2026-03-03T09:00"]
    assert [s["idle_minutes_added"] for s in slots] == [0, 60, 0]  # 30 minutes each for J and P
    assert slots[2]["lateness_days"] == 1


def test_proposals_reject_unknown_hearing():
    with pytest.raises(SolverInputError):
        propose_slots(parse_problem(problem([hearing("a")])), "zzz", [])


# ---------------------------------------------------------------- checker
BASE = problem([hearing("a"), hearing("b", who=("J", "D"))], participants=[*PRISONER, {"id": "P", "role": "prosecutor"}],
               rooms=[{"id": "Z1", "kind": "courtroom"}, {"id": "V", "kind": "video"}], convoys=[{"id": "K"}])


def entry(hid, start, end, room="Z1", convoy=None):
    return {"hearing_id": hid, "start": start, "end": end, "room": room, "convoy": convoy}


def schedule(*entries, objective=None):
    return {"status": "feasible", "hearings": list(entries), "unscheduled": [],
            "objective": objective or {"lateness_days": 0, "idle_minutes": 0}}


CHECKER_CASES = [
    pytest.param(schedule(entry("a", "2026-03-02T09:00", "2026-03-02T10:00"),
                          entry("b", "2026-03-02T09:30", "2026-03-02T10:30", room="V")),
                 "J is double-booked", id="participant-overlap"),
    pytest.param(schedule(entry("a", "2026-03-02T09:00", "2026-03-02T10:00"),
                          entry("b", "2026-03-02T10:00", "2026-03-02T11:00")),
                 "prisoner needs either a convoy", id="no-prison-link"),
    pytest.param(schedule(entry("a", "2026-03-07T09:00", "2026-03-07T10:00"),
                          entry("b", "2026-03-02T10:00", "2026-03-02T11:00", room="V")),
                 "not a working day", id="weekend"),
    pytest.param(schedule(entry("a", "2026-03-02T11:30", "2026-03-02T12:30"),
                          entry("b", "2026-03-02T10:00", "2026-03-02T11:00", room="V")),
                 "off the grid or working hours", id="after-hours"),
    pytest.param(schedule(entry("a", "2026-03-02T09:00", "2026-03-02T10:00")),
                 "'b' is neither scheduled", id="missing"),
    pytest.param(schedule(entry("a", "2026-03-02T09:00", "2026-03-02T10:00"),
                          entry("b", "2026-03-02T10:00", "2026-03-02T11:00", room="V"),
                          objective={"lateness_days": 3, "idle_minutes": 0}),
                 "objective is", id="objective"),
    pytest.param(schedule(entry("a", "2026-03-02T09:00", "2026-03-02T09:30"),
                          entry("b", "2026-03-02T10:00", "2026-03-02T11:00", room="V")),
                 "needs 60 minutes", id="duration"),
]


@pytest.mark.parametrize(("result", "fragment"), CHECKER_CASES)
def test_checker_reports_violation(result, fragment):
    violations = check(parse_problem(BASE), result)
    assert any(fragment in v for v in violations), violations


def test_checker_accepts_valid():
    result = schedule(entry("a", "2026-03-02T09:00", "2026-03-02T10:00"),
                      entry("b", "2026-03-02T10:00", "2026-03-02T11:00", room="V"))
    assert check(parse_problem(BASE), result) == []


def mutate(path, value=None, delete=False):
    data = copy.deepcopy(problem([hearing("a")]))
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD = [
    pytest.param(mutate(["hearings", 0, "duration_minutes"], delete=True), "hearings[0].duration_minutes",
                 id="missing"),
    pytest.param(mutate(["hearings", 0, "participants"], ["J", "ghost"]), "hearings[0].participants[1]",
                 id="unknown-participant"),
    pytest.param(mutate(["rooms"], [{"id": "Z"}, {"id": "Z"}]), "rooms[1].id", id="duplicate-room"),
    pytest.param(mutate(["hearings", 0, "requested"], "2026/03/02"), "hearings[0].requested", id="bad-date"),
    pytest.param(mutate(["rooms", 0, "kind"], "hall"), "rooms[0].kind", id="bad-kind"),
    pytest.param(mutate(["slot_minutes"], 7), "slot_minutes", id="bad-grid"),
]


@pytest.mark.parametrize(("data", "field"), BAD)
def test_bad_input_names_the_field(data, field):
    with pytest.raises(SolverInputError) as error:
        parse_problem(data)
    assert error.value.field == field
