"""The deterministic budget decides a result; the wall clock is a reported backstop.

Instances come from the benchmark's seeded generators.  Budgets are chosen so that the
hearings and roster searches end on their deterministic budget unproven (status
``feasible``): that is where load could change an answer if the wall clock decided.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from solvers import cpsat, hearings, legal_aid, roster
from solvers.hearings.model import add_hint, build_model
from solvers.hearings.timeline import greedy_schedule


def _legal_aid(bench) -> tuple[Any, Any]:  # 300 requests × 120 advocates, the size
    return legal_aid, legal_aid.parse_problem(bench.legal_aid_instance(4, lawyers=120, requests=300))


def _hearings(bench) -> tuple[Any, Any]:
    return hearings, hearings.parse_problem(bench.hearings_instance(1))


def _roster(bench) -> tuple[Any, Any]:
    return roster, roster.parse_problem(bench.roster_instance(1, 80, 10))


# (instance, budget in seconds, status the budget ends in)
UNDER_LOAD = [
    pytest.param(_legal_aid, 10, "optimal", id="legal-aid-300x120"),
    pytest.param(_hearings, 0.5, "feasible", id="hearings-budget-cut"),
    pytest.param(_roster, 4, "feasible", id="roster-80x10-budget-cut"),
]


def without_seconds(value: Any) -> Any:
    """The result with every field whose name ends in ``seconds`` removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_seconds(v) for k, v in value.items() if not k.endswith("seconds")}
    if isinstance(value, list):
        return [without_seconds(v) for v in value]
    return value


SPIN = """
import signal, sys, time
signal.signal(signal.SIGTERM, lambda *_: (print(time.process_time()), sys.exit(0)))
print("spinning", flush=True)
while True:
    pass
"""


@contextmanager
def both_cores_busy() -> Iterator[list[float]]:
    """Two busy-loop processes while the block runs; afterwards the list holds the CPU
    seconds each burnt (0.0 for one that had died before it was stopped)."""
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True)
                for _ in range(2)]
    burnt: list[float] = []
    try:
        for spinner in spinners:
            assert spinner.stdout is not None and spinner.stdout.readline() == "spinning\n"
        yield burnt
    finally:
        for spinner in spinners:
            spinner.terminate()
        for spinner in spinners:
            out, _ = spinner.communicate(timeout=30)
            burnt.append(float(out.strip() or 0.0))


@pytest.mark.slow
@pytest.mark.parametrize(("instance", "budget", "status"), UNDER_LOAD)
def test_same_answer_twice_while_both_cores_are_busy(bench, instance: Callable, budget: float, status: str):
    module, problem = instance(bench)
    started = time.perf_counter()
    with both_cores_busy() as burnt:
        first = module.solve(problem, time_limit=budget).to_dict()
        second = module.solve(problem, time_limit=budget).to_dict()
    elapsed = time.perf_counter() - started
    assert first["status"] == status
    assert module.check(problem, first) == []
    assert json.dumps(without_seconds(first), sort_keys=True) == json.dumps(without_seconds(second), sort_keys=True)
    # both spinners were spinning when the first solve began (handshake) and still alive to
    # report their CPU time when stopped after the second; how much CPU they got depends on
    # the rest of the machine's load, so it is shown, not bounded
    assert len(burnt) == 2 and min(burnt) > 0, (burnt, elapsed)


@pytest.mark.parametrize("instance", [_hearings, _roster], ids=["hearings", "roster"])
def test_a_wall_clock_cut_says_so_and_still_answers_validly(bench, instance: Callable):
    module, problem = instance(bench)
    result = module.solve(problem, time_limit=30, wall_clock_limit=0.001).to_dict()
    assert result["status"] == "wall_clock_limit"
    assert module.check(problem, result) == []


@pytest.mark.parametrize("instance", [_hearings, _roster], ids=["hearings", "roster"])
def test_a_spent_budget_is_an_ordinary_result(bench, instance: Callable):
    module, problem = instance(bench)
    result = module.solve(problem, time_limit=0.001, wall_clock_limit=600).to_dict()
    assert result["status"] in ("fallback", "feasible")
    assert module.check(problem, result) == []


def _hearings_model(bench) -> Any:
    problem = hearings.parse_problem(bench.hearings_instance(1))
    built = build_model(problem, list(range(len(problem.hearings))))
    add_hint(built, problem, greedy_schedule(problem)[0])
    return built.model


@pytest.mark.parametrize(
    ("deterministic_units", "wall_seconds", "cut"),
    [pytest.param(0.05, 600, False, id="deterministic-limit"), pytest.param(100, 0.05, True, id="wall-clock")],
)
def test_cpsat_tells_which_limit_stopped_the_search(bench, deterministic_units, wall_seconds, cut):
    budget = cpsat.Budget(time_limit=1000, wall_clock_limit=wall_seconds)
    outcome = cpsat.solve(_hearings_model(bench), budget, deterministic_units)
    assert outcome.status in ("feasible", "unknown")
    assert outcome.cut_by_wall_clock is cut
    assert budget.cut_by_wall_clock is cut


def test_backstop_is_three_times_the_budget_plus_five_seconds():
    assert cpsat.default_wall_clock_limit(10) == 35
    budget = cpsat.Budget(time_limit=10)
    assert budget.deterministic == 10 * cpsat.DETERMINISTIC_TIME_PER_SECOND
    assert budget.deadline is None  # the backstop's clock starts with the first search
    assert 34 < budget.wall_clock_left() <= 35
