from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.support.bpmn_builder import ProcessBuilder


def timer_process(expression='"PT48H"', kind="timeDuration", process_id="waits"):
    p = ProcessBuilder(process_id)
    p.start()
    p.user_task("register", "Register", lane="Clerk")
    p.timer_catch("deadline", expression, kind)
    p.user_task("after", "After the deadline", lane="Clerk")
    p.end()
    p.chain("start", "register", "deadline", "after", "end")
    return p.xml()


def boundary_process(expression='"PT24H"'):
    p = ProcessBuilder("escalates")
    p.start()
    p.user_task("decide", "Decide on detention", lane="Prosecutor")
    p.boundary_timer("overdue", "decide", expression)
    p.user_task("escalate", "Escalate: deadline missed", lane="Prosecutor")
    p.end("done")
    p.end("escalated")
    p.chain("start", "decide", "done")
    p.chain("overdue", "escalate", "escalated")
    return p.xml()


def rows(api, model, **filters):
    with api.app.app_context():
        from webapp.extensions import db

        return db.session.scalars(select(model).filter_by(**filters)).all()


def fire(api) -> int:
    with api.app.app_context():
        return api.engine().timers.fire_due()


def start_and_register(api, process_id="waits"):
    instance_id = api.start(process_id).json["id"]
    task = api.ready_tasks(instance_id)[0]
    assert api.complete(task["id"]).status_code == 200
    return instance_id


def test_a_duration_timer_waits_for_the_clock_then_fires_once(api, clock):
    from engine.models import Timer

    api.deploy({"waits.bpmn": timer_process()})
    started_at = clock.now()
    instance_id = start_and_register(api)
    [timer] = rows(api, Timer, instance_id=instance_id)
    assert timer.status == "pending" and timer.due_at == started_at + timedelta(hours=48)
    assert api.ready_tasks(instance_id) == []
    clock.advance(timedelta(hours=47, minutes=59))
    assert fire(api) == 0
    clock.advance(timedelta(minutes=2))
    assert fire(api) == 1
    assert fire(api) == 0
    assert [t["element_id"] for t in api.ready_tasks(instance_id)] == ["after"]
    [timer] = rows(api, Timer, instance_id=instance_id)
    assert timer.status == "fired" and timer.fired_at == clock.now()
    events = [h["event"] for h in api.get(f"/api/v1/process-instances/{instance_id}/history").json]
    assert events.count("timer_fired") == 1


def test_a_boundary_timer_interrupts_the_user_task_and_sets_its_due_time(api, clock):
    api.deploy({"e.bpmn": boundary_process()})
    instance_id = api.start("escalates", as_user="prosecutor").json["id"]
    [task] = api.ready_tasks(instance_id, as_user="prosecutor")
    assert task["due_at"] == (clock.now() + timedelta(hours=24)).isoformat()
    clock.advance(timedelta(hours=24, seconds=1))
    assert fire(api) == 1
    assert [t["element_id"] for t in api.ready_tasks(instance_id, as_user="prosecutor")] == ["escalate"]
    late = api.complete(task["id"], as_user="prosecutor")
    assert late.status_code == 409
    assert api.get(f"/api/v1/tasks/{task['id']}", as_user="prosecutor").json["state"] == "cancelled"


def test_a_boundary_timer_is_cancelled_when_the_task_is_done_in_time(api, clock):
    from engine.models import Timer

    api.deploy({"e.bpmn": boundary_process()})
    instance_id = api.start("escalates", as_user="prosecutor").json["id"]
    [task] = api.ready_tasks(instance_id, as_user="prosecutor")
    assert api.complete(task["id"], as_user="prosecutor").status_code == 200
    clock.advance(timedelta(days=2))
    assert fire(api) == 0
    assert [t.status for t in rows(api, Timer, instance_id=instance_id)] == ["cancelled"]
    assert api.get(f"/api/v1/process-instances/{instance_id}").json["status"] == "completed"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Monday 16 Nov 2026: Tue 17 (1), Wed 18 Nov is Independence Day, Thu 19 (2), Fri 20 (3).
        (datetime(2026, 11, 16, 10, 0, tzinfo=UTC), datetime(2026, 11, 20, 22, 0, tzinfo=UTC)),
        # Tuesday 22 Dec 2026: Wed 23 (1), 24–26 Dec Christmas, weekend, Mon 28 (2), Tue 29 (3).
        (datetime(2026, 12, 22, 10, 0, tzinfo=UTC), datetime(2026, 12, 29, 22, 0, tzinfo=UTC)),
        # Friday 8 Jan 2027: Mon 11 (1), Tue 12 (2), Wed 13 (3) — the weekend does not count.
        (datetime(2027, 1, 8, 10, 0, tzinfo=UTC), datetime(2027, 1, 13, 22, 0, tzinfo=UTC)),
    ],
    ids=["across-18-november", "across-christmas", "across-a-weekend"],
)
def test_working_day_deadline_as_a_timer(api, clock, now, expected):
    from engine.models import Timer

    clock.set(now)
    api.deploy({"w.bpmn": timer_process("working_days(3)", kind="timeDate", process_id="workdays")})
    instance_id = start_and_register(api, "workdays")
    [timer] = rows(api, Timer, instance_id=instance_id)
    assert timer.due_at == expected
    clock.set(expected - timedelta(seconds=1))
    assert fire(api) == 0
    clock.set(expected)
    assert fire(api) == 1


def test_hours_helper_counts_elapsed_time(api, clock):
    from engine.models import Timer

    api.deploy({"h.bpmn": timer_process("hours(48)", kind="timeDate", process_id="hours48")})
    instance_id = start_and_register(api, "hours48")
    [timer] = rows(api, Timer, instance_id=instance_id)
    assert timer.due_at == clock.now() + timedelta(hours=48)


def test_timer_expressions_are_checked_at_deployment(api):
    response = api.deploy({"bad.bpmn": timer_process("PT48H")})  # unquoted: a NameError at run time
    assert response.status_code == 422
    response = api.deploy({"bad.bpmn": timer_process('"48 hours"')})
    assert response.status_code == 422
    assert "ISO 8601" in response.json["errors"][0]["message"]
    assert response.json["errors"][0]["element"] == "deadline"


def test_cli_fires_due_timers(api, clock):
    api.deploy({"waits.bpmn": timer_process()})
    instance_id = start_and_register(api)
    clock.advance(timedelta(days=3))
    result = api.app.test_cli_runner().invoke(args=["timers", "fire"])
    assert result.exit_code == 0, result.output
    assert "fired 1 timers" in result.output
    assert [t["element_id"] for t in api.ready_tasks(instance_id)] == ["after"]


@pytest.mark.slow
def test_overdue_timers_fire_when_the_scheduler_starts(api, clock, database_url, sandbox, tmp_path):
    """The real APScheduler job, started after the due time passed (the server was 'down')."""
    from engine.models import AuditEvent
    from tests.conftest import make_app
    from tests.support.polling import wait_until

    api.deploy({"waits.bpmn": timer_process()})
    instance_id = start_and_register(api)
    clock.advance(timedelta(days=5))
    app = make_app(database_url, clock, sandbox, tmp_path, scheduler_enabled=True, timer_poll_seconds=0.2)
    try:
        def fired() -> bool:
            with app.app_context():
                from webapp.extensions import db

                count = db.session.scalar(
                    select(func.count()).select_from(AuditEvent).where(
                        AuditEvent.instance_id == instance_id, AuditEvent.event == "timer_fired"
                    )
                )
                db.session.remove()
                return count == 1

        wait_until(fired, timeout=20, what="the scheduler to fire the overdue timer")
    finally:
        app.extensions["lieta_scheduler"].shutdown(wait=True)
    assert [t["element_id"] for t in api.ready_tasks(instance_id)] == ["after"]


def test_a_repeating_reminder_fires_on_each_cycle_without_interrupting(api, clock):
    from engine.models import Timer

    p = ProcessBuilder("reminds")
    p.start()
    p.user_task("decide", "Decide on the complaint", lane="Clerk")
    p.boundary_timer("remind", "decide", '"R2/PT1H"', kind="timeCycle", interrupting=False)
    p.user_task("reminder", "Reminder: the complaint is waiting", lane="Clerk")
    p.end("done")
    p.end("reminded")
    p.chain("start", "decide", "done")
    p.chain("remind", "reminder", "reminded")
    assert api.deploy({"r.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("reminds").json["id"]
    assert fire(api) == 0
    for hour in (1, 2):
        clock.advance(timedelta(hours=1, seconds=1))
        assert fire(api) == 1
        assert sorted(t["element_id"] for t in api.ready_tasks(instance_id)) == ["decide"] + ["reminder"] * hour
    clock.advance(timedelta(hours=5))
    assert fire(api) == 0
    events = [h["event"] for h in api.get(f"/api/v1/process-instances/{instance_id}/history").json]
    assert events.count("timer_fired") == 2
    decide = next(t for t in api.ready_tasks(instance_id) if t["element_id"] == "decide")
    assert api.complete(decide["id"]).status_code == 200
    assert {t.status for t in rows(api, Timer, instance_id=instance_id)} <= {"fired", "cancelled"}
