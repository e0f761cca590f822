"""Duty-prosecutor roster: known optima, brute-force agreement, infeasibility, checker, errors."""

from __future__ import annotations

import copy
import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvers import SolverInputError
from solvers.roster import check, parse_problem, solve
from solvers.roster.greedy import greedy_plan
from solvers.roster.plan import score
from solvers.roster.slots import slots

DAY = {"id": "day", "start": "08:00", "hours": 12}
NIGHT = {"id": "night", "start": "20:00", "hours": 12}
RULES = {"min_rest_hours": 12, "max_shifts_per_7_days": 5, "max_nights_per_7_days": 2}


def roster(people, days=2, regions=("Rīga",), shifts=(DAY,), rules=None, start="2026-03-02"):
    return {"start": start, "days": days, "regions": list(regions), "shifts": list(shifts),
            "prosecutors": people, "rules": dict(RULES, **(rules or {}))}


def person(id, regions=("Rīga",), **extra):
    return {"id": id, "regions": list(regions), **extra}


def duties(result) -> dict[tuple[str, str, str], str]:
    return {(d.date, d.region, d.shift): d.prosecutor_id for d in result.assignments}


KNOWN = [
    pytest.param(
        roster([person("P1", preferences={"avoid_dates": ["2026-03-03"]}), person("P2", prior_duties=1)]),
        {("2026-03-02", "Rīga", "day"): "P1", ("2026-03-03", "Rīga", "day"): "P2"}, (1, 0), id="avoid-date",
    ),
    pytest.param(
        roster([person("P1", preferences={"prefer_shifts": ["night"]}), person("P2")], days=1, shifts=(DAY, NIGHT)),
        {("2026-03-02", "Rīga", "day"): "P2", ("2026-03-02", "Rīga", "night"): "P1"}, (0, 0), id="rest-and-prefer",
    ),
    pytest.param(  # P2 cannot take both regions at once; P1 only covers Kurzeme
        roster([person("P1", regions=["Kurzeme"]), person("P2", regions=["Rīga", "Kurzeme"])], days=1,
               regions=("Rīga", "Kurzeme")),
        {("2026-03-02", "Rīga", "day"): "P2", ("2026-03-02", "Kurzeme", "day"): "P1"}, (0, 0), id="two-regions",
    ),
    pytest.param(  # the unavailable day blocks P1, so P2 works it; totals 2/2
        roster([person("P1", unavailable=["2026-03-03"], prior_duties=1), person("P2")], days=3),
        {("2026-03-02", "Rīga", "day"): "P2", ("2026-03-03", "Rīga", "day"): "P2",
         ("2026-03-04", "Rīga", "day"): "P1"}, (0, 0), id="unavailable",
    ),
]


@pytest.mark.parametrize(("data", "expected", "objective"), KNOWN)
def test_known_optimum(data, expected, objective):
    result = solve(parse_problem(data), time_limit=10)
    assert result.status == "optimal"
    assert duties(result) == expected
    assert (result.spread, result.preference_penalty) == objective
    assert check(parse_problem(data), result.to_dict()) == []


INFEASIBLE = [
    pytest.param(roster([person("P1", regions=["Kurzeme"])]),
                 "nobody can cover region 'Rīga' on 2026-03-02 shift 'day'", id="uncovered-region"),
    pytest.param(roster([person("P1", unavailable=["2026-03-03"])]),
                 "nobody can cover region 'Rīga' on 2026-03-03 shift 'day'", id="unavailable"),
    pytest.param(roster([person("P1", regions=["Rīga", "Kurzeme"])], regions=("Rīga", "Kurzeme")),
                 "shift 'day' on 2026-03-02 needs 2 prosecutors at once but only 1 are eligible", id="simultaneous"),
    pytest.param(roster([person("P1")], days=1, shifts=(DAY, NIGHT)),
                 "no roster satisfies the rest and 7-day rules", id="rest"),
    pytest.param(roster([person("P1"), person("P2")], days=3, rules={"max_shifts_per_7_days": 1}),
                 "no roster satisfies the rest and 7-day rules", id="weekly-cap"),
]


@pytest.mark.parametrize(("data", "reason"), INFEASIBLE)
def test_infeasible_with_reason(data, reason):
    result = solve(parse_problem(data), time_limit=10).to_dict()
    assert result["status"] == "infeasible"
    assert reason in result["reason"]
    assert result["assignments"] == []


# ---------------------------------------------------------------- properties
@st.composite
def tiny_rosters(draw):
    regions = draw(st.sampled_from([["A"], ["A", "B"]]))
    shifts = draw(st.sampled_from([[DAY], [DAY, NIGHT], [{"id": "long", "start": "06:00", "hours": 20}]]))
    days = draw(st.integers(1, 3 if len(regions) * len(shifts) == 1 else 6 // (len(regions) * len(shifts))))
    dates = [f"2026-03-{2 + d:02d}" for d in range(days)]
    people = [
        {"id": f"P{i}", "regions": draw(st.lists(st.sampled_from(regions), min_size=1, unique=True)),
         "unavailable": draw(st.lists(st.sampled_from(dates), max_size=1)),
         "prior_duties": draw(st.integers(0, 2)),
         "preferences": {"avoid_shifts": draw(st.lists(st.sampled_from([s["id"] for s in shifts]), max_size=1)),
                         "avoid_dates": draw(st.lists(st.sampled_from(dates), max_size=1))}}
        for i in range(draw(st.integers(1, 3)))
    ]
    rules = {"min_rest_hours": draw(st.sampled_from([8, 12])), "max_shifts_per_7_days": draw(st.integers(1, 4)),
             "max_nights_per_7_days": draw(st.integers(0, 2))}
    return roster(people, days=days, regions=regions, shifts=shifts, rules=rules)


def brute_force(data):
    """Best (spread, penalty) over every assignment the checker accepts, or None."""
    problem = parse_problem(data)
    keys = slots(problem)
    best = None
    for combo in itertools.product(range(len(problem.prosecutors)), repeat=len(keys)):
        plan = dict(zip(keys, combo, strict=True))
        spread, penalty = score(problem, plan)
        result = {"status": "feasible", "objective": {"spread": spread, "preference_penalty": penalty},
                  "assignments": [
                      {"date": problem.date(d).isoformat(), "region": problem.regions[g],
                       "shift": problem.shifts[s].id, "prosecutor_id": problem.prosecutors[p].id}
                      for (d, g, s), p in plan.items()]}
        if (best is None or (spread, penalty) < best) and not check(problem, result):
            best = (spread, penalty)
    return best


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_rosters())
def test_matches_brute_force_and_beats_greedy(data):
    problem = parse_problem(data)
    result = solve(problem, time_limit=10).to_dict()
    best = brute_force(data)
    if best is None:
        assert result["status"] == "infeasible"
        return
    assert result["status"] == "optimal"
    assert check(problem, result) == []
    assert (result["objective"]["spread"], result["objective"]["preference_penalty"]) == best
    greedy = greedy_plan(problem)
    if len(greedy) == len(slots(problem)):
        assert best <= score(problem, greedy)


def test_long_horizon_is_solved_month_by_month_and_holds_across_boundaries():
    people = [person(f"P{i}", unavailable=[f"2026-04-0{1 + i}"]) for i in range(4)]
    data = roster(people, days=45, shifts=(DAY, NIGHT), start="2026-03-20",
                  rules={"max_shifts_per_7_days": 4, "max_nights_per_7_days": 2})
    problem = parse_problem(data)
    result = solve(problem, time_limit=20).to_dict()
    assert result["status"] == "feasible"
    assert len(result["assignments"]) == 90
    assert check(problem, result) == []


def test_three_runs_are_identical(bench):
    data = bench.roster_instance(1, 40, 5)
    outputs = []
    for _ in range(3):
        out = solve(parse_problem(data), time_limit=20).to_dict()
        out.pop("solve_seconds")
        outputs.append(json.dumps(out, sort_keys=True))
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["status"] == "optimal"


def test_tiny_time_limit_returns_a_usable_roster(bench):
    problem = parse_problem(bench.roster_instance(3, 40, 5))
    result = solve(problem, time_limit=0.001).to_dict()
    assert result["status"] in ("fallback", "feasible", "optimal")
    assert check(problem, result) == []


# ---------------------------------------------------------------- the checker catches each violation
BASE = roster([person("P1", regions=["Rīga", "Kurzeme"], unavailable=["2026-03-03"]), person("P2"), person("P3")],
              days=2, shifts=(DAY, NIGHT), rules={"max_nights_per_7_days": 1, "max_shifts_per_7_days": 2})
VALID = [("2026-03-02", "day", "P1"), ("2026-03-02", "night", "P2"), ("2026-03-03", "day", "P3"),
         ("2026-03-03", "night", "P2")]


def as_result(rows, region="Rīga", objective=None):
    return {"status": "feasible", "objective": objective,
            "assignments": [{"date": d, "region": region, "shift": s, "prosecutor_id": p} for d, s, p in rows]}


CHECKER_CASES = [
    pytest.param(as_result(VALID[:3]), "2026-03-03 Rīga night has 0 prosecutors", id="unfilled"),
    pytest.param(as_result(VALID + [VALID[0][:2] + ("P3",)]), "2026-03-02 Rīga day has 2 prosecutors",
                 id="double"),
    pytest.param(as_result([VALID[0], VALID[1], ("2026-03-03", "day", "P1"), VALID[3]]), "P1 is unavailable",
                 id="unavailable"),
    pytest.param(as_result([VALID[0], ("2026-03-02", "night", "P1"), VALID[2], VALID[3]]),
                 "less than 12 h rest", id="rest"),
    pytest.param(as_result([VALID[0], VALID[1], ("2026-03-03", "day", "P2"), VALID[3]]),
                 "P2: 3 duties in the 7 days", id="weekly-cap"),
    pytest.param(as_result(VALID), "P2: 2 nights in the 7 days", id="night-cap"),
    pytest.param(as_result([("2026-03-02", "day", "X")] + VALID[1:]), "unknown prosecutor 'X'", id="unknown"),
    pytest.param(as_result(VALID[:1], region="Kurzeme"), "is not a slot of this roster", id="not-a-slot"),
    pytest.param(as_result(VALID, objective={"spread": 0, "preference_penalty": 0}),
                 "objective is {'spread': 0", id="objective"),
]


@pytest.mark.parametrize(("result", "fragment"), CHECKER_CASES)
def test_checker_reports_violation(result, fragment):
    violations = check(parse_problem(BASE), result)
    assert any(fragment in v for v in violations), violations


def test_checker_reports_region_and_overlap():
    data = roster([person("P1", regions=["Rīga", "Kurzeme"]), person("P2", regions=["Kurzeme"])], days=1,
                  regions=("Rīga", "Kurzeme"))
    result = {"status": "feasible", "objective": {"spread": 2, "preference_penalty": 0}, "assignments": [
        {"date": "2026-03-02", "region": "Rīga", "shift": "day", "prosecutor_id": "P2"},
        {"date": "2026-03-02", "region": "Kurzeme", "shift": "day", "prosecutor_id": "P2"}]}
    violations = check(parse_problem(data), result)
    assert "duty 2026-03-02 Rīga day: P2 does not cover region 'Rīga'" in violations
    assert any("less than 12 h rest" in v for v in violations)


# ---------------------------------------------------------------- bad input
def mutate(path, value=None, delete=False):
    data = copy.deepcopy(roster([person("P1"), person("P2")]))
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD = [
    pytest.param(mutate(["rules"], delete=True), "rules", id="missing-rules"),
    pytest.param(mutate(["prosecutors", 1, "id"], "P1"), "prosecutors[1].id", id="duplicate"),
    pytest.param(mutate(["prosecutors", 0, "unavailable"], ["2026-02-31"]), "prosecutors[0].unavailable[0]",
                 id="bad-date"),
    pytest.param(mutate(["shifts", 0, "start"], "25:00"), "shifts[0].start", id="bad-clock"),
    pytest.param(mutate(["prosecutors", 0, "prior_duties"], -1), "prosecutors[0].prior_duties", id="negative"),
    pytest.param(mutate(["days"], 0), "days", id="no-days"),
    pytest.param(mutate(["regions"], ["Rīga", "Rīga"]), "regions[1]", id="duplicate-region"),
]


@pytest.mark.parametrize(("data", "field"), BAD)
def test_bad_input_names_the_field(data, field):
    with pytest.raises(SolverInputError) as error:
        parse_problem(data)
    assert error.value.field == field
