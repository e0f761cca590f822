"""Acceptance (issue 15, part 2): moving running cases to a new version in bulk.

200 cases of one process wait at five different elements; version 2 removes one of them and
narrows a form that some cases already answered. A dry run judges each case; the real run moves
the movable ones in batches while two threads complete tasks of the same cases, and nothing is
lost: every completion lands exactly once, every case ends on the version its result says.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import Conflict
from engine.models import AuditEvent, InstanceStatus, ProcessInstance, TaskState, Timer, TimerStatus
from tests.support.bpmn_builder import ProcessBuilder
from tests.support.server import instance_problems

PROCESS = "permit"
INTAKE_V1 = {"type": "object", "properties": {"a": {"type": "string", "title": "A"}}}
INTAKE_V2 = {"type": "object", "properties": {"a": {"type": "string", "title": "A", "maxLength": 3}}}
# Group: (how many, the tasks completed before the migration, the value of `a`).
GROUPS = {
    "intake": (60, [], None),
    "review_ok": (50, ["intake"], "ok"),
    "review_long": (30, ["intake"], "too long"),
    "legacy": (40, ["intake", "review"], "ok"),
    "wait": (20, ["intake", "review", "legacy"], "ok"),
}


def permit(version: int) -> str:
    p = ProcessBuilder(PROCESS, name=f"Permit v{version}")
    p.start()
    p.user_task("intake", "Intake", lane="Clerk", form="permit.intake.json")
    p.user_task("review", "Review" if version == 1 else "Review the permit", lane="Clerk")
    middle = p.user_task("legacy", "Legacy step", lane="Clerk") if version == 1 else p.user_task("extra", "Extra check", lane="Clerk")
    p.timer_catch("wait", '"PT48H"')
    p.user_task("decide", "Decide", lane="Clerk")
    p.end()
    p.chain("start", "intake", "review", middle, "wait", "decide", "end")
    return p.xml()


def bundle(version: int) -> dict[str, str]:
    return {"permit.bpmn": permit(version), "permit.intake.json": json.dumps(INTAKE_V1 if version == 1 else INTAKE_V2)}


def ready_task(engine, instance_id: str):
    (task,) = [t for t in engine.tasks.inbox_for_instance(instance_id) if t.state == TaskState.READY]
    return task


def complete_until_done(app, username: str, work: list[tuple[str, str, dict]], outcomes: list, barrier) -> None:
    """Complete each (instance, element) as a person would: a 409 is tried again after a fresh read."""
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        user = engine.users.by_username(username)
        barrier.wait(timeout=30)
        for instance_id, element, data in work:
            for _attempt in range(200):
                engine.session().expire_all()
                task = ready_task(engine, instance_id)
                assert task.element_id == element
                try:
                    engine.tasks.complete(user, task.id, data)
                    outcomes.append((instance_id, element))
                    break
                except Conflict:
                    continue
            else:
                outcomes.append((instance_id, f"{element}: never completed"))


@pytest.fixture
def cases(api, app):
    """Version 1 with 200 cases in their groups, and version 2 deployed (approved: no four eyes here)."""
    assert api.deploy({n: c for n, c in bundle(1).items()}).status_code == 201
    groups: dict[str, list[str]] = {}
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        clerk = engine.users.by_username("clerk")
        for group, (count, done, value) in GROUPS.items():
            for i in range(count):
                instance = engine.instances.start(clerk, PROCESS, business_key=f"{group}-{i}")
                for element in done:
                    data = {"a": value} if element == "intake" else {}
                    task = ready_task(engine, instance.id)
                    assert task.element_id == element
                    engine.tasks.complete(clerk, task.id, data)
                groups.setdefault(group, []).append(instance.id)
    assert api.deploy({n: c for n, c in bundle(2).items()}).status_code == 201
    return groups


def migrate(api, as_user="analyst", **body):
    return api.post(f"/api/v1/process-definitions/{PROCESS}/migrations", as_user=as_user,
                    json={"from_version": 1, "to_version": 2, **body})


def test_dry_run_then_real_run_over_200_cases_with_concurrent_completions(api, app, cases):
    dry = migrate(api, dry_run=True)
    assert dry.status_code == 200, dry.json
    by_id = {r["instance_id"]: r for r in dry.json["results"]}
    assert (dry.json["movable"], dry.json["not_movable"]) == (130, 70)
    for group in ("intake", "review_ok", "wait"):
        assert all(by_id[i]["movable"] for i in cases[group]), group
    long_reason = by_id[cases["review_long"][0]]["reasons"]
    assert [(r["field"], r["form"]) for r in long_reason] == [("/a", "permit.intake.json")]
    legacy_reason = by_id[cases["legacy"][0]]["reasons"]
    assert legacy_reason == [{"field": "/elements/legacy",
                              "message": "element legacy, where the case waits, does not exist in the target"}]
    review = by_id[cases["review_ok"][0]]["changes"]
    assert review["waiting"] == [{"process": PROCESS, "element_id": "review", "kind": "UserTask", "state": "ready",
                                  "changed": ["bpmn_name", "outputs"]}]
    assert review["forms_changed"] == ["permit.intake.json"]
    assert by_id[cases["intake"][0]]["changes"]["forms_changed"] == ["permit.intake.json"]
    with app.app_context():  # a dry run changes nothing
        engine = app.extensions["lieta_engine"]
        assert engine.session().scalar(select(func.count()).where(ProcessInstance.process_version == 2)) == 0
        dues = {t.instance_id: t.due_at for t in engine.session().scalars(select(Timer))}

    queued = migrate(api)
    assert queued.status_code == 202, queued.json
    job_id = queued.json["id"]
    assert (queued.json["status"], queued.json["total"], queued.json["pending"]) == ("queued", 200, 200)

    # Two people complete tasks of 100 of the cases while the job moves them.
    barrier = threading.Barrier(3)
    outcomes: list = []
    intake_work = [(i, "intake", {"a": "ok"}) for i in cases["intake"]]
    legacy_work = [(i, "legacy", {}) for i in cases["legacy"]]
    workers = [threading.Thread(target=complete_until_done, args=(app, "clerk", w, outcomes, barrier))
               for w in (intake_work, legacy_work)]
    for worker in workers:
        worker.start()
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        barrier.wait(timeout=30)
        engine.migrations.run(job_id, "test-holder")
    for worker in workers:
        worker.join(timeout=300)
    assert sorted(outcomes) == sorted([(i, "intake") for i in cases["intake"]] + [(i, "legacy") for i in cases["legacy"]])

    job = api.get(f"/api/v1/process-definitions/{PROCESS}/migrations/{job_id}", as_user="analyst").json
    assert job["status"] == "done" and job["pending"] == 0 and job["moved"] + job["refused"] == 200
    results = {r["instance_id"]: r for r in job["results"]}
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        session = engine.session()
        for group, ids in cases.items():
            for instance_id in ids:
                instance = session.get(ProcessInstance, instance_id)
                moved = results[instance_id]["status"] == "moved"
                assert instance.process_version == (2 if moved else 1), (group, results[instance_id])
                assert instance_problems(engine, instance_id) == [], (group, results[instance_id], instance.error_message)
                migrated = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                                    AuditEvent.event == "instance_migrated")).all()
                assert len(migrated) == (1 if moved else 0)
                completed = session.scalar(select(func.count()).where(AuditEvent.instance_id == instance_id,
                                                                      AuditEvent.event == "task_completed"))
                expected = len(GROUPS[group][1]) + (1 if group in ("intake", "legacy") else 0)
                assert completed == expected, (group, instance_id)  # every completion, once
                if group in ("intake", "review_ok", "wait"):
                    assert moved, (group, results[instance_id])
                    assert instance.data["a"] == "ok"
                if group == "review_long":
                    assert not moved and results[instance_id]["reasons"][0]["field"] == "/a"
                if group == "legacy":
                    # Judged at `legacy` (removed: stays) or after the completion, at `wait` (moves).
                    assert moved == (results[instance_id]["changes"] is not None
                                     and results[instance_id]["changes"]["waiting"][0]["element_id"] == "wait")
        # A timer keeps its due time through the move: a legal term is not counted afresh.
        for instance_id in cases["wait"]:
            (timer,) = session.scalars(select(Timer).where(Timer.instance_id == instance_id,
                                                           Timer.status == TimerStatus.PENDING)).all()
            assert timer.due_at == dues[instance_id]


def test_a_moved_case_completes_on_the_new_version_and_its_history_shows_the_move(api, app, cases, clock):
    instance_id = cases["review_ok"][0]
    queued = migrate(api, instance_ids=[instance_id, cases["legacy"][0]])
    assert queued.status_code == 202 and queued.json["total"] == 2
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        assert engine.migrations.run_pending("test-holder", batches=5) == 2
        clerk = engine.users.by_username("clerk")
        task = ready_task(engine, instance_id)
        assert (task.element_id, task.name, task.process_version) == ("review", "Review the permit", 2)
        engine.tasks.complete(clerk, task.id, {})
        task = ready_task(engine, instance_id)
        assert task.element_id == "extra"  # the element version 2 added ahead of the case
        engine.tasks.complete(clerk, task.id, {})
        clock.advance(timedelta(hours=49))
        assert engine.timers.fire_due() == 1 + len(cases["wait"])  # ours and the cases waiting there on v1
        task = ready_task(engine, instance_id)
        assert task.element_id == "decide"
        engine.tasks.complete(clerk, task.id, {})
        engine.session().expire_all()
        instance = engine.session().get(ProcessInstance, instance_id)
        assert (instance.status, instance.process_version) == (InstanceStatus.COMPLETED, 2)
    history = api.get(f"/api/v1/process-instances/{instance_id}/history").json
    events = [h["event"] for h in history]
    assert "task_completed" in events[events.index("instance_migrated"):]  # completed after the move
    (moved,) = [h for h in history if h["event"] == "instance_migrated"]
    assert (moved["actor"], moved["data"]["from_version"], moved["data"]["to_version"]) == ("analyst", 1, 2)
    job = api.get(f"/api/v1/process-definitions/{PROCESS}/migrations/{queued.json['id']}", as_user="analyst").json
    assert (job["status"], job["moved"], job["refused"]) == ("done", 1, 1)


@pytest.mark.parametrize(("body", "status"), [
    ({"to_version": 3}, 404),
    ({"to_version": 1}, 422),
    ({"from_version": "1"}, 422),
    ({"instance_ids": "all"}, 422),
])
def test_bad_requests_are_refused_with_a_sentence(api, cases, body, status):
    response = migrate(api, dry_run=True, **body)
    assert response.status_code == status, response.json
    assert response.json["message"]


def test_only_an_analyst_or_admin_moves_cases(api, cases):
    assert migrate(api, as_user="clerk", dry_run=True).status_code == 403
    assert migrate(api, as_user="admin", dry_run=True).status_code == 200


def test_the_cli_dry_run_and_real_run(app, cases):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["processes", "migrate", PROCESS, "--from", "1", "--to", "2", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines()[-1] == "130 movable, 70 not movable"
    chosen = [cases["wait"][0], cases["legacy"][0]]
    real = runner.invoke(args=["processes", "migrate", PROCESS, "--from", "1", "--to", "2", "--as", "analyst",
                               *[arg for i in chosen for arg in ("--instance", i)]])
    assert real.exit_code == 0, real.output
    lines = real.output.splitlines()
    assert lines[0] == f"{chosen[0]}  moved"
    assert lines[1].startswith(f"{chosen[1]}  refused: /elements/legacy: element legacy")
    assert lines[2].endswith("1 moved, 1 refused, 0 pending")
    refused = runner.invoke(args=["processes", "migrate", PROCESS, "--from", "1", "--to", "9"])
    assert refused.exit_code == 2 and "not deployed" in refused.output


def test_the_scheduler_moves_a_job_a_batch_per_round(app, cases):
    from webapp.scheduler import run_engine_jobs

    with app.app_context():
        engine = app.extensions["lieta_engine"]
        analyst = engine.users.by_username("analyst")
        job = engine.migrations.request(analyst, PROCESS, 1, 2, cases["intake"])  # 60 cases, batches of 50
        job_id = job.id
    assert run_engine_jobs(app, "holder-a")["migrated"] == 50
    assert run_engine_jobs(app, "holder-b")["migrated"] == 0  # holder-a's claim has not lapsed
    assert run_engine_jobs(app, "holder-a")["migrated"] == 10
    assert run_engine_jobs(app, "holder-a")["migrated"] == 0
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        state = engine.migrations.job(engine.users.by_username("admin"), PROCESS, job_id)
        assert (state["status"], state["moved"], state["pending"]) == ("done", 60, 0)
