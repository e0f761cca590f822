"""Legal-aid assignment: known optima, brute-force agreement, reasons, checker, errors."""

from __future__ import annotations

import copy
import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solvers import SolverInputError, Status
from solvers.legal_aid import check, parse_problem, solve
from solvers.legal_aid.eligibility import candidates
from solvers.legal_aid.greedy import greedy_plan
from solvers.legal_aid.plan import goal_key, objective


def lawyer(id, territories=("Rīga",), languages=("lv",), capacity=1, load=0, at=(0, 0), **extra):
    row = {"id": id, "territories": list(territories), "languages": list(languages),
           "capacity": capacity, "load_30d": load, "location": list(at)}
    row.update(extra)
    return row


def request(id, case=None, territory="Rīga", language="lv", at=(0, 0), **extra):
    row = {"id": id, "case_id": case or f"case-{id}", "territory": territory, "language": language,
           "location": list(at)}
    row.update(extra)
    return row


def problem(lawyers, requests, **weights):
    return {"date": "2026-03-02", "lawyers": lawyers, "requests": requests,
            "weights": weights or {"fairness": 10, "distance": 1}}


def assigned(result) -> dict[str, str]:
    return {a.request_id: a.lawyer_id for a in result.assignments}


def result_goal(data: dict, result: dict) -> tuple[int, int, int]:
    urgent = {r["id"] for r in data["requests"] if r.get("urgent")}
    ids = [a["request_id"] for a in result["assignments"]]
    return (-sum(1 for i in ids if i in urgent), -len(ids), result["objective"])


# ---------------------------------------------------------------- known optima
KNOWN = [
    pytest.param(  # fairness favours B and C; distance decides who takes which request
        problem([lawyer("A", capacity=2, load=3), lawyer("B", at=(5, 0)), lawyer("C", load=1, at=(0, 3))],
                [request("r1"), request("r2", at=(0, 1))]),
        {"r1": "B", "r2": "C"}, 10 * 1 + 5 + 10 * 3 + 2, id="fairness-then-distance",
    ),
    pytest.param(  # distance-heavy weights: the loaded but nearby lawyer wins, unlike greedy
        problem([lawyer("A", at=(10, 0)), lawyer("B", load=1), lawyer("K", territories=["Kurzeme"])],
                [request("r1"), request("r2", territory="Kurzeme")], fairness=1, distance=10),
        {"r1": "B", "r2": "K"}, 3 + 1, id="distance-beats-load",
    ),
    pytest.param(  # one seat: the urgent request wins although it comes second
        problem([lawyer("A")], [request("r1"), request("r2", urgent=True, at=(3, 4))]),
        {"r2": "A"}, 10 + 5, id="urgent-first",
    ),
    pytest.param(  # co-accused cannot share A although A has two seats
        problem([lawyer("A", capacity=2)], [request("r1", case="c"), request("r2", case="c")]),
        {"r1": "A"}, 10, id="co-accused",
    ),
    pytest.param(  # convex load: two to the fresh lawyer costs 10+30, one each costs 10+50+dist
        problem([lawyer("A", capacity=2), lawyer("B", load=2, at=(0, 1))], [request("r1"), request("r2")]),
        {"r1": "A", "r2": "A"}, 40, id="convex-load",
    ),
]


@pytest.mark.parametrize(("data", "expected", "cost"), KNOWN)
def test_known_optimum(data, expected, cost):
    result = solve(parse_problem(data))
    assert result.status is Status.OPTIMAL
    assert assigned(result) == expected
    assert result.objective == cost
    assert check(parse_problem(data), result.to_dict()) == []


@pytest.mark.parametrize("extra_requests", [0, 1])
def test_objective_counts_a_half_km_distance_as_the_checker_does(extra_requests):
    # 12.4² + 9.3² = 15.5² in decimals; floats put it a hair below, and math.hypot above
    data = problem([lawyer("A", at=(-20.9, 36.6), capacity=2)],
                   [request(f"r{i}", at=(-33.3, 27.3)) for i in range(1 + extra_requests)])
    parsed = parse_problem(data)
    assert check(parsed, solve(parsed).to_dict()) == []


def test_greedy_is_worse_on_distance_heavy_case():
    data = KNOWN[1].values[0]
    parsed = parse_problem(data)
    plan = greedy_plan(parsed, candidates(parsed))
    assert objective(parsed, plan) == 1 + 100 + 1


# ---------------------------------------------------------------- reasons for nobody
REASONS = [
    pytest.param(request("r", territory="Latgale"), "no lawyer works in territory 'Latgale'", id="territory"),
    pytest.param(request("r", language="ru"), "no available lawyer speaks 'ru' in territory 'Rīga'", id="language"),
    pytest.param(request("r", juvenile=True),
                 "no available lawyer speaking 'lv' in territory 'Rīga' is competent for juvenile cases",
                 id="juvenile"),
    pytest.param(request("r", excluded_lawyers=["A", "ghost"]),
                 "every otherwise eligible lawyer is excluded (conflict or previous refusal)", id="excluded"),
]


@pytest.mark.parametrize(("req", "reason"), REASONS)
@pytest.mark.parametrize("extra_requests", [0, 1])
def test_unassigned_reason(req, reason, extra_requests):
    lawyers = [lawyer("A"), lawyer("B", languages=["ru"], available=False)]
    requests = [req] + [request(f"other{i}", territory="Kurzeme") for i in range(extra_requests)]
    result = solve(parse_problem(problem(lawyers, requests)))
    assert [(u.request_id, u.reason) for u in result.unassigned][0] == ("r", reason)


def test_capacity_exhausted_reason():
    result = solve(parse_problem(problem([lawyer("A")], [request("r1"), request("r2")])))
    assert [u.reason for u in result.unassigned] == ["capacity exhausted"]


def test_unavailable_everywhere_reason():
    data = problem([lawyer("A", available=False)], [request("r")])
    assert solve(parse_problem(data)).unassigned[0].reason == "no available lawyer in territory 'Rīga'"


def test_explanation_names_alternatives_with_cost_parts():
    data = problem([lawyer("A", load=3), lawyer("B", at=(5, 0))], [request("r", urgent=True)])
    result = solve(parse_problem(data))
    assert result.assignments[0].lawyer_id == "B"
    assert result.assignments[0].explanation == (
        "B (fairness +10, distance 5 km, cost 15, chosen); next best: A (fairness +70, distance 0 km, cost 70)"
    )


# ---------------------------------------------------------------- properties
def small_problems():
    ids = ["A", "B", "C", "D"]
    lawyers = st.lists(
        st.fixed_dictionaries({
            "territories": st.lists(st.sampled_from(["T1", "T2"]), min_size=1, max_size=2, unique=True),
            "languages": st.lists(st.sampled_from(["lv", "ru"]), min_size=1, max_size=2, unique=True),
            "juvenile": st.booleans(), "available": st.booleans(),
            "capacity": st.integers(0, 2), "load_30d": st.integers(0, 4),
            "location": st.tuples(st.integers(0, 9), st.integers(0, 9)).map(list),
        }), min_size=1, max_size=4,
    )
    requests = st.lists(
        st.fixed_dictionaries({
            "case_id": st.sampled_from(["c1", "c2", "c3"]), "territory": st.sampled_from(["T1", "T2"]),
            "language": st.sampled_from(["lv", "ru"]), "juvenile": st.booleans(), "urgent": st.booleans(),
            "location": st.tuples(st.integers(0, 9), st.integers(0, 9)).map(list),
            "excluded_lawyers": st.lists(st.sampled_from(ids), max_size=2, unique=True),
        }), min_size=1, max_size=4,
    )
    weights = st.fixed_dictionaries({"fairness": st.integers(0, 10), "distance": st.integers(0, 3)})
    return st.builds(
        lambda ls, rs, w: {
            "date": "2026-03-02",
            "lawyers": [dict(row, id=ids[i]) for i, row in enumerate(ls)],
            "requests": [dict(row, id=f"r{i}") for i, row in enumerate(rs)],
            "weights": w,
        },
        lawyers, requests, weights,
    )


def brute_force_goal(data: dict) -> tuple[int, int, int]:
    parsed = parse_problem(data)
    choices = [[None, *range(len(parsed.lawyers))] for _ in parsed.requests]
    best = None
    for combo in itertools.product(*choices):
        plan = {r: j for r, j in enumerate(combo) if j is not None}
        ids = {"request_id": None}
        result = {
            "status": "optimal", "objective": objective(parsed, plan),
            "assignments": [dict(ids, request_id=parsed.requests[r].id, lawyer_id=parsed.lawyers[j].id)
                            for r, j in plan.items()],
            "unassigned": [{"request_id": parsed.requests[r].id} for r in range(len(combo)) if r not in plan],
        }
        if not check(parsed, result):
            key = goal_key(parsed, plan)
            best = key if best is None or key < best else best
    return best


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_result_is_valid_optimal_and_not_worse_than_greedy(data):
    parsed = parse_problem(data)
    result = solve(parsed).to_dict()
    assert check(parsed, result) == []
    assert result["status"] == "optimal"
    greedy = goal_key(parsed, greedy_plan(parsed, candidates(parsed)))
    assert result_goal(data, result) <= greedy
    assert result_goal(data, result) == brute_force_goal(data)


# ---------------------------------------------------------------- determinism and time limits
def test_three_runs_are_identical(bench):
    data = bench.legal_aid_instance(1, lawyers=300, requests=120)
    outputs = []
    for _ in range(3):
        out = solve(parse_problem(data), time_limit=10).to_dict()
        out.pop("solve_seconds")
        outputs.append(json.dumps(out, sort_keys=True))
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["status"] == "optimal"


@pytest.mark.parametrize("time_limit", [0.001, 10])
def test_time_limit_does_not_change_the_exact_answer(bench, time_limit):
    data = bench.legal_aid_instance(2, lawyers=120, requests=300)
    parsed = parse_problem(data)
    result = solve(parsed, time_limit=time_limit).to_dict()
    assert result["status"] == "optimal"
    assert check(parsed, result) == []
    assert result_goal(data, result) < goal_key(parsed, greedy_plan(parsed, candidates(parsed)))
    reference = solve(parsed).to_dict()
    assert {k: v for k, v in result.items() if k != "solve_seconds"} == {
        k: v for k, v in reference.items() if k != "solve_seconds"}


def test_weights_too_large_for_exact_arithmetic_fall_back_to_greedy():
    data = problem([lawyer("A", capacity=2), lawyer("B", load=2, at=(0, 1))], [request("r1"), request("r2")],
                   fairness=10**17, distance=1)
    parsed = parse_problem(data)
    result = solve(parsed).to_dict()
    assert result["status"] == "fallback"
    assert check(parsed, result) == []
    assert result_goal(data, result) == goal_key(parsed, greedy_plan(parsed, candidates(parsed)))


# ---------------------------------------------------------------- the checker catches each violation
BASE = problem(
    [lawyer("A", capacity=1), lawyer("B", languages=["ru"]), lawyer("C", available=False),
     lawyer("D", territories=["Kurzeme"]), lawyer("J", juvenile=False, capacity=3)],
    [request("r1", case="c"), request("r2", case="c", juvenile=True, excluded_lawyers=["J"])],
)


def broken(assignments, objective_value=None, unassigned=()):
    parsed = parse_problem(BASE)
    plan_result = {"status": "feasible", "assignments": assignments, "unassigned": list(unassigned),
                   "objective": objective_value}
    if objective_value is None:
        index = {lw.id: j for j, lw in enumerate(parsed.lawyers)}
        rindex = {rq.id: r for r, rq in enumerate(parsed.requests)}
        plan_result["objective"] = objective(
            parsed, {rindex[a["request_id"]]: index[a["lawyer_id"]] for a in assignments
                     if a["request_id"] in rindex and a["lawyer_id"] in index}
        ) if len({a["request_id"] for a in assignments}) == len(assignments) else 0
    return plan_result


def a(request_id, lawyer_id):
    return {"request_id": request_id, "lawyer_id": lawyer_id, "explanation": ""}


CHECKER_CASES = [
    pytest.param(broken([a("r1", "B")], unassigned=[{"request_id": "r2"}]), "does not speak 'lv'", id="language"),
    pytest.param(broken([a("r1", "C")], unassigned=[{"request_id": "r2"}]), "is not available", id="availability"),
    pytest.param(broken([a("r1", "D")], unassigned=[{"request_id": "r2"}]), "territory 'Rīga'", id="territory"),
    pytest.param(broken([a("r2", "A")], unassigned=[{"request_id": "r1"}]), "not competent for juvenile",
                 id="juvenile"),
    pytest.param(broken([a("r2", "J")], unassigned=[{"request_id": "r1"}]), "is excluded", id="excluded"),
    pytest.param(broken([a("r1", "J"), a("r2", "J")]), "co-accused", id="co-accused"),
    pytest.param(broken([a("r1", "A")]), "neither assigned nor reported", id="missing-request"),
    pytest.param(broken([a("r1", "A")], objective_value=3, unassigned=[{"request_id": "r2"}]),
                 "objective is 3 but the assignments cost 10", id="objective"),
    pytest.param(broken([a("r1", "X")], unassigned=[{"request_id": "r2"}]), "unknown lawyer", id="unknown-lawyer"),
    pytest.param(broken([a("r1", "A"), a("r1", "A")], unassigned=[{"request_id": "r2"}]), "appears 2 times",
                 id="twice"),
    pytest.param(dict(broken([a("r1", "A")], unassigned=[{"request_id": "r2"}]), status="done"),
                 "status 'done'", id="status"),
]


@pytest.mark.parametrize(("result", "fragment"), CHECKER_CASES)
def test_checker_reports_violation(result, fragment):
    violations = check(parse_problem(BASE), result)
    assert any(fragment in v for v in violations), violations


def test_checker_reports_capacity():
    data = copy.deepcopy(BASE)
    data["requests"][1]["case_id"] = "other"
    data["requests"][1]["juvenile"] = False
    result = broken([a("r1", "A"), a("r2", "A")])
    result["objective"] = 40
    assert check(parse_problem(data), result) == ["lawyer 'A' gets 2 new assignments, capacity is 1"]


def test_checker_accepts_valid():
    assert check(parse_problem(BASE), broken([a("r1", "A")], unassigned=[{"request_id": "r2"}])) == []


# ---------------------------------------------------------------- bad input
def _mutate(path, value=None, delete=False):
    data = copy.deepcopy(problem([lawyer("A"), lawyer("B")], [request("r1")]))
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD_INPUTS = [
    pytest.param(_mutate(["lawyers", 0, "capacity"], -1), "lawyers[0].capacity", id="negative-capacity"),
    pytest.param(_mutate(["lawyers", 1, "id"], "A"), "lawyers[1].id", id="duplicate-lawyer"),
    pytest.param(_mutate(["requests", 0, "case_id"], delete=True), "requests[0].case_id", id="missing-case"),
    pytest.param(_mutate(["date"], "2026-13-01"), "date", id="malformed-date"),
    pytest.param(_mutate(["date"], delete=True), "date", id="missing-date"),
    pytest.param(_mutate(["lawyers", 0, "location"], [1]), "lawyers[0].location", id="bad-location"),
    pytest.param(_mutate(["lawyers", 0, "juvenile"], "yes"), "lawyers[0].juvenile", id="bad-bool"),
    pytest.param(_mutate(["weights", "fairness"], -3), "weights.fairness", id="negative-weight"),
    pytest.param(_mutate(["requests"], {"id": "x"}), "requests", id="requests-not-list"),
    pytest.param([], "input", id="not-an-object"),
]


@pytest.mark.parametrize(("data", "field"), BAD_INPUTS)
def test_bad_input_names_the_field(data, field):
    with pytest.raises(SolverInputError) as error:
        parse_problem(data)
    assert error.value.field == field
    assert str(error.value).startswith(field + ": ")
