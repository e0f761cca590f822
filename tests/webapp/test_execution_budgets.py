"""Execution budgets: each hostile model of the "Trust II" issue is refused at deployment, or
stops with an incident on its own case while another case of the same process completes, and
the request returns promptly (the elapsed-time bounds are a safety check, not a benchmark)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.conftest import make_app
from tests.support.bpmn_builder import ProcessBuilder
from tests.webapp.conftest import Api

PROMPT = 5.0  # seconds: far above what a refused model costs, far below a spinning worker


@pytest.fixture
def api_with(database_url, clock, sandbox, tmp_path):
    """Makes an app with some budgets changed, and closes its database connections afterwards."""
    apps = []

    def make(**budgets) -> Api:
        app = make_app(database_url, clock, sandbox, tmp_path, **budgets)
        apps.append(app)
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        api = Api(app, client)
        api.create_users()
        return api

    yield make
    from webapp.extensions import db

    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def tight(api_with):
    """Small step and depth budgets, so the loops they stop stay short."""
    return api_with(max_steps_per_change=300, max_change_seconds=4.0, max_subprocess_depth=2)


def timed(call):
    started = time.monotonic()
    result = call()
    elapsed = time.monotonic() - started
    assert elapsed < PROMPT, f"took {elapsed:.1f} s"
    return result


def instance(api, instance_id):
    return api.get(f"/api/v1/process-instances/{instance_id}").json


def incidents(api, instance_id):
    response = api.get(f"/api/v1/incidents?process_instance_id={instance_id}")
    assert response.status_code == 200, response.json
    return response.json


def fire(api) -> int:
    with api.app.app_context():
        return api.engine().timers.fire_due()


# --- models --------------------------------------------------------------------------------

def timer_then_task(expression: str, kind: str = "timeDuration", process_id: str = "waits") -> str:
    p = ProcessBuilder(process_id)
    p.start()
    p.timer_catch("deadline", expression, kind)
    p.user_task("after", "After the deadline", lane="Clerk")
    p.end()
    p.chain("start", "deadline", "after", "end")
    return p.xml()


def reminder(expression: str, process_id: str = "reminds") -> str:
    """A user task with a non-interrupting repeating boundary timer."""
    p = ProcessBuilder(process_id)
    p.start()
    p.user_task("decide", "Decide", lane="Clerk")
    p.boundary_timer("remind", "decide", expression, kind="timeCycle", interrupting=False)
    p.user_task("reminder", "Reminder", lane="Clerk")
    p.end("done")
    p.end("reminded")
    p.chain("start", "decide", "done")
    p.chain("remind", "reminder", "reminded")
    return p.xml()


def calling(process_id: str, called: str) -> str:
    p = ProcessBuilder(process_id)
    p.start()
    p.call_activity("call", called)
    p.end()
    p.chain("start", "call", "end")
    return p.xml()


def leaf(process_id: str) -> str:
    p = ProcessBuilder(process_id)
    p.start()
    p.script_task("work", "done = True")
    p.end()
    p.chain("start", "work", "end")
    return p.xml()


def fan_out(cardinality: str) -> str:
    p = ProcessBuilder("fans_out")
    p.start()
    p.multi_instance_script("each", "visited = True", cardinality)
    p.end()
    p.chain("start", "each", "end")
    return p.xml()


def script_loop() -> str:
    """Counts `n` up to `limit`, one script task per step: a loop when `limit` is huge."""
    p = ProcessBuilder("loops")
    p.start()
    p.script_task("count", "n = n + 1")
    p.exclusive("again", default="flow_again_end")
    p.end()
    p.chain("start", "count", "again")
    p.flow("again", "count", condition="n < limit")
    p.flow("again", "end", flow_id="flow_again_end")
    return p.xml()


# --- refused at deployment -----------------------------------------------------------------

REFUSED = {
    "duration over 100 years": ({"t.bpmn": timer_then_task('"P1000000Y"')}, "deadline", "more than 100 years"),
    "weeks over 100 years": ({"t.bpmn": timer_then_task('"P99999999999W"')}, "deadline", "more than 100 years"),
    "repeating every 99999999999 years": (
        {"t.bpmn": reminder('"R1/P99999999999Y"')}, "remind", "more than 100 years"),
    "date over 100 years away": (
        {"t.bpmn": timer_then_task('"2200-01-01T00:00:00+00:00"', kind="timeDate")}, "deadline", "more than 100 years"),
    "R/PT0S on a non-interrupting boundary timer": ({"t.bpmn": reminder('"R/PT0S"')}, "remind", "more often than every 60 s"),
    "cycle of 30 seconds": ({"t.bpmn": reminder('"R5/PT30S"')}, "remind", "more often than every 60 s"),
    "negative duration": ({"t.bpmn": timer_then_task('"P-1D"')}, "deadline", "not an ISO 8601 duration"),
    "weeks mixed with years": ({"t.bpmn": timer_then_task('"P1Y2W"')}, "deadline", "not an ISO 8601 duration"),
    "a call activity calling its own process": ({"r.bpmn": calling("recurse", "recurse")}, "call", "may not call itself"),
    "two processes calling each other": (
        {"a.bpmn": calling("ping", "pong"), "b.bpmn": calling("pong", "ping")}, "call", "may not call itself"),
    "multi-instance cardinality 2,000": ({"m.bpmn": fan_out("2000")}, "each", "over the budget of 200"),
}


@pytest.mark.parametrize("files, element, text", REFUSED.values(), ids=REFUSED.keys())
def test_hostile_models_are_refused_at_deployment_naming_the_element(api, files, element, text):
    response = timed(lambda: api.deploy(files))
    assert response.status_code == 422, response.json
    named = [e for e in response.json["errors"] if e["element"] == element]
    assert named and text in named[0]["message"], response.json["errors"]


def test_the_limits_themselves_are_accepted(api):
    assert api.deploy({"t.bpmn": timer_then_task('"P100Y"')}).status_code == 201
    assert api.deploy({"r.bpmn": reminder('"R/PT1M"')}).status_code == 201
    assert api.deploy({"m.bpmn": fan_out("200")}).status_code == 201


def test_a_timer_read_from_a_variable_named_like_a_word_deploys(api):
    """`Pending` once reached SpiffWorkflow's duration parser, whose bare Exception was a 500."""
    response = api.deploy({"t.bpmn": timer_then_task("Pending")})
    assert response.status_code == 201, response.json


# --- incidents at run time -----------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    ("P1000000Y", "more than 100 years"),
    ("P99999999999W", "more than 100 years"),
    ("2999-01-01T00:00:00+00:00", "not an ISO 8601 duration"),
    ("soon", "not an ISO 8601 duration"),
    (42, "not an ISO 8601 text"),
])
def test_a_computed_timer_out_of_bounds_is_an_incident_on_its_own_case(api, clock, value, text):
    assert api.deploy({"t.bpmn": timer_then_task("wait")}).status_code == 201
    hostile = timed(lambda: api.start("waits", data={"wait": value}))
    assert hostile.status_code == 201, hostile.json
    assert instance(api, hostile.json["id"])["status"] == "error"
    [incident] = incidents(api, hostile.json["id"])
    assert incident["element_id"] == "deadline" and text in incident["message"]

    benign = api.start("waits", data={"wait": "PT1H"}).json["id"]
    clock.advance(timedelta(hours=2))
    assert fire(api) == 1
    [task] = api.ready_tasks(benign)
    assert api.complete(task["id"]).status_code == 200
    assert instance(api, benign)["status"] == "completed"


def test_a_computed_zero_cycle_on_a_boundary_timer_is_an_incident(api):
    assert api.deploy({"t.bpmn": reminder("every")}).status_code == 201
    hostile = timed(lambda: api.start("reminds", data={"every": "R/PT0S"}))
    body = instance(api, hostile.json["id"])
    assert body["status"] == "error"
    assert "more often than every 60 s" in body["incidents"][0]["message"]
    benign = api.start("reminds", data={"every": "R2/PT1H"}).json["id"]
    assert instance(api, benign)["status"] == "running"


def test_a_script_loop_stops_at_the_step_budget(tight):
    assert tight.deploy({"l.bpmn": script_loop()}).status_code == 201
    hostile = timed(lambda: tight.start("loops", data={"n": 0, "limit": 10**9}))
    assert hostile.status_code == 201, hostile.json
    body = instance(tight, hostile.json["id"])
    assert body["status"] == "error"
    [incident] = body["incidents"]
    assert "step budget (300 engine steps)" in incident["message"]
    benign = tight.start("loops", data={"n": 0, "limit": 3}).json["id"]
    assert instance(tight, benign)["status"] == "completed"


@pytest.mark.slow
def test_a_script_loop_stops_at_the_wall_time_budget(api_with):
    # 0.1 s: on a quiet machine a loop reaches the path-length stop (about 990 tasks) within 1 s.
    api = api_with(max_steps_per_change=10**9, max_change_seconds=0.1)
    assert api.deploy({"l.bpmn": script_loop()}).status_code == 201
    hostile = timed(lambda: api.start("loops", data={"n": 0, "limit": 10**9}))
    [incident] = incidents(api, hostile.json["id"])
    assert "wall-time budget (0.1 s" in incident["message"]
    # The incident names the next task to run: an admin's retry goes on with a fresh budget.
    assert incident["element_id"] in ("count", "again")


def test_a_computed_cardinality_over_the_cap_is_an_incident(api):
    assert api.deploy({"m.bpmn": fan_out("count")}).status_code == 201
    hostile = timed(lambda: api.start("fans_out", data={"count": 2000}))
    assert instance(api, hostile.json["id"])["status"] == "error"
    [incident] = incidents(api, hostile.json["id"])
    assert incident["element_id"] == "each"
    assert "would start 2000 instances, more than the budget of 200" in incident["message"]
    benign = api.start("fans_out", data={"count": 3}).json["id"]
    assert instance(api, benign)["status"] == "completed"


def test_subprocesses_nest_only_as_deep_as_the_budget(tight):
    files = {"top.bpmn": calling("top", "level1"), "l1.bpmn": calling("level1", "level2"),
             "l2.bpmn": calling("level2", "level3"), "l3.bpmn": leaf("level3")}
    assert tight.deploy(files).status_code == 201
    hostile = timed(lambda: tight.start("top"))
    body = instance(tight, hostile.json["id"])
    assert body["status"] == "error"
    assert "3 levels deep, more than the budget of 2" in body["incidents"][0]["message"]
    assert instance(tight, tight.start("level1").json["id"])["status"] == "completed"


def test_a_case_that_nothing_can_move_is_an_incident(api):
    """An exclusive choice feeding a parallel join: the join waits for a branch never taken."""
    p = ProcessBuilder("deadlocks")
    p.start()
    p.exclusive("choose", default="flow_choose_b")
    p.script_task("a", "branch = 'a'")
    p.script_task("b", "branch = 'b'")
    p.parallel("join")
    p.end()
    p.chain("start", "choose")
    p.flow("choose", "a", condition="take_a")
    p.flow("choose", "b", flow_id="flow_choose_b")
    p.chain("a", "join")
    p.chain("b", "join")
    p.chain("join", "end")
    assert api.deploy({"d.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("deadlocks", data={"take_a": True}).json["id"]
    assert instance(api, instance_id)["status"] == "error"
    [incident] = incidents(api, instance_id)
    assert "the case is stuck: nothing can move it" in incident["message"]
    assert incident["element_id"] == "join"


def test_the_budgets_are_settings(api_with, tmp_path):
    from webapp.engine_ext import execution_budgets
    from webapp.settings import Settings

    settings = Settings.from_env(str(tmp_path), environ={"LIETA_MAX_MULTI_INSTANCE": "5", "LIETA_MAX_TIMER_YEARS": "2"})
    budgets = execution_budgets(settings)
    assert (budgets.max_multi_instance, budgets.max_timer_years, budgets.max_steps_per_change) == (5, 2.0, 10_000)
    small = api_with(max_multi_instance=5, max_timer_years=2.0)
    response = small.deploy({"m.bpmn": fan_out("10"), "t.bpmn": timer_then_task('"P3Y"')})
    assert response.status_code == 422
    messages = {e["element"]: e["message"] for e in response.json["errors"]}
    assert "over the budget of 5" in messages["each"] and "more than 2 years" in messages["deadline"]


def test_an_admin_retry_goes_on_from_the_step_budget_with_a_fresh_one(tight):
    """A long but finite loop is not lost: the incident names the next task, and a retry runs it."""
    assert tight.deploy({"l.bpmn": script_loop()}).status_code == 201
    instance_id = tight.start("loops", data={"n": 0, "limit": 200}).json["id"]
    [incident] = incidents(tight, instance_id)
    assert "step budget" in incident["message"]
    response = tight.post(f"/api/v1/incidents/{incident['id']}/retry")
    assert response.status_code == 200, response.json
    body = instance(tight, instance_id)
    assert body["status"] == "completed" and body["data"]["n"] == 200
