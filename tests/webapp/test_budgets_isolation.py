"""One poisoned case never stops the scheduler's round, and numbers too large to store are a
4xx at the door or an incident at run time, never a 500."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import text

from engine.errors import InvalidInput
from tests.support.bpmn_builder import ProcessBuilder, hour_timer_process
from tests.webapp.test_execution_budgets import PROMPT, incidents, instance, script_loop, timed
from webapp.scheduler import run_engine_jobs

HUGE = 10**24_000  # CPython will not even print it (over 4,300 digits)


def corrupt_state(api, instance_id: str) -> None:
    """What a database fault or a bad migration leaves behind: a state that cannot be read."""
    with api.app.app_context():
        from webapp.extensions import db

        db.session.execute(text("UPDATE process_instances SET state = '{\"broken\": ' WHERE id = :id"), {"id": instance_id})
        db.session.commit()
        api.engine().workflows.discard(instance_id)


def test_a_poisoned_timer_does_not_stop_the_others_in_the_round(api, clock, caplog):
    assert api.deploy({"tick.bpmn": hour_timer_process()}).status_code == 201
    ids = [api.start("tick").json["id"] for _ in range(3)]
    poisoned = ids[1]
    corrupt_state(api, poisoned)
    clock.advance(timedelta(hours=2))

    with caplog.at_level(logging.INFO, logger="engine.services.isolation"):
        done = timed(lambda: run_engine_jobs(api.app, "test-holder"))
    assert done["timers"] == 2
    for healthy in (ids[0], ids[2]):
        assert [t["element_id"] for t in api.ready_tasks(healthy)] == ["after"]

    [incident] = incidents(api, poisoned)
    assert incident["element_id"] == "wait" and incident["task_id"] is not None
    assert "timer" in incident["message"] and "failed: JSONDecodeError" in incident["message"]
    assert instance(api, poisoned)["status"] == "error"
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert logged.exc_info is None and "\n" not in logged.getMessage()

    # It waits for an admin now, not for every round.
    caplog.clear()
    assert run_engine_jobs(api.app, "test-holder")["timers"] == 0
    assert [r for r in caplog.records if r.levelno == logging.ERROR] == []
    assert len(incidents(api, poisoned)) == 1


def test_a_poisoned_automatic_retry_does_not_stop_the_others(api, clock, caplog):
    from tests.webapp.test_incidents import Registry, registry_process

    handler = Registry()
    api.engine().operations.register("lookup_person", handler, max_attempts=3, backoff=timedelta(seconds=30))
    assert api.deploy({"r.bpmn": registry_process()}).status_code == 201
    ids = [api.start("checks_registry", data={"personal_code": str(i)}).json["id"] for i in range(2)]
    corrupt_state(api, ids[0])
    handler.down = False
    clock.advance(timedelta(seconds=31))
    with caplog.at_level(logging.ERROR, logger="engine.services.isolation"):
        with api.app.app_context():
            assert api.engine().incidents.retry_due() == 1
    assert instance(api, ids[1])["status"] == "running"
    assert [t["element_id"] for t in api.ready_tasks(ids[1])] == ["review"]
    # The poisoned case's retry waits for an admin instead of failing every round.
    waiting = [i for i in incidents(api, ids[0]) if i["task_id"] is not None]
    assert waiting and waiting[0]["next_retry_at"] is None
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1


def test_a_number_too_large_to_store_is_refused_at_start_and_at_completion(api):
    p = ProcessBuilder("plain")
    p.start()
    p.user_task("enter", "Enter", lane="Clerk")
    p.end()
    p.chain("start", "enter", "end")
    assert api.deploy({"p.bpmn": p.xml()}).status_code == 201
    with api.app.app_context():
        engine = api.engine()
        admin = engine.users.get_by_username("admin") if hasattr(engine.users, "get_by_username") else None
        if admin is None:
            from sqlalchemy import select

            from engine.models import User
            from webapp.extensions import db

            admin = db.session.scalar(select(User).where(User.username == "admin"))
        with pytest.raises(InvalidInput) as refused:
            engine.instances.start(admin, "plain", data={"claim": {"amount": HUGE}})
        assert "digits" in str(refused.value.errors)
        instance_id = engine.instances.start(admin, "plain", data={"amount": 10**50}).id
        [task] = engine.tasks.inbox_for_instance(instance_id, state="ready")
        with pytest.raises(InvalidInput, match="more than 100 digits"):
            engine.tasks.complete(admin, task.id, {"amounts": [1, HUGE]})
    assert instance(api, instance_id)["status"] == "running"
    [task] = api.ready_tasks(instance_id)
    assert api.complete(task["id"], {"amount": 5}).status_code == 200
    assert instance(api, instance_id)["status"] == "completed"


def test_a_number_too_large_to_store_at_run_time_is_an_incident_and_the_change_is_not_kept(api):
    api.engine().operations.register("huge_number", lambda params, data: 10**200)
    p = ProcessBuilder("computes")
    p.start()
    p.user_task("enter", "Enter", lane="Clerk")
    p.service_task("compute", "huge_number")
    p.user_task("review", "Review", lane="Clerk")
    p.end()
    p.chain("start", "enter", "compute", "review", "end")
    assert api.deploy({"c.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("computes").json["id"]
    [task] = api.ready_tasks(instance_id)
    response = timed(lambda: api.complete(task["id"], {"note": "x"}))
    assert response.status_code < 500, response.json
    assert instance(api, instance_id)["status"] == "error"
    [incident] = incidents(api, instance_id)
    assert "the change was not kept: the data holds a number of more than 100 digits" in incident["message"]
    # The case is as it was before the change: the first task is still there to do.
    assert [t["element_id"] for t in api.ready_tasks(instance_id)] == ["enter"]


@pytest.mark.slow
def test_with_the_default_budgets_a_script_loop_ends_as_an_incident_promptly(api):
    """SpiffWorkflow follows a path of at most 1,000 tasks: a loop stops there (about 5 s here),
    or at the 10 s wall-time budget on a slower machine, never silently and never spinning."""
    assert api.deploy({"l.bpmn": script_loop()}).status_code == 201
    import time

    started = time.monotonic()
    instance_id = api.start("loops", data={"n": 0, "limit": 10**9}).json["id"]
    assert time.monotonic() - started < 10 + PROMPT
    [incident] = incidents(api, instance_id)
    assert "the engine cannot follow a path longer than 1,000 tasks" in incident["message"] or (
        "wall-time budget" in incident["message"]
    )
