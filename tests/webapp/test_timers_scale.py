"""Acceptance (engine, scale-out): timers fire exactly once however many processes poll.

1,000 instances wait on a one-hour timer, all due at the same instant. Two spawned OS processes
(each with its own app, engine, workflow cache and `FrozenClock`, both set to the same instant
past the due time) are released together by a `multiprocessing.Barrier` and call
`engine.timers.fire_due()` until nothing is due. Then the database must tell one story: every
timer row `fired`, one `timer_fired` audit row per timer, every instance moved on by exactly one
change (one lock-version step, its next user task ready and projected once).

On PostgreSQL the two processes share the work (`FOR UPDATE SKIP LOCKED`): both must have fired
some. On SQLite they contend for the file lock; exactly-once still holds (the optimistic lock
version refuses the second change), so only the totals are asserted.

A second test runs the real scheduler job, `webapp.scheduler.run_engine_jobs(app, holder)`, in
two processes with distinct holders, in lock-step rounds as two APScheduler intervals would run:
on SQLite the `engine-jobs` lease lets only one of them work; on PostgreSQL both may.

No test here sleeps: time is the processes' frozen clocks, and processes meet at barriers.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.models import AuditEvent, HumanTask, ProcessInstance, TaskState, Timer, TimerStatus
from tests.conftest import START
from tests.support.bpmn_builder import hour_timer_process
from tests.support.server import instance_problems

PROCESS_ID = "tick"
TIMERS = 1000
SCHEDULER_TIMERS = 200
SCHEDULER_BATCH = 50  # several scheduler rounds, so the SQLite lease must hold from one to the next
WORKERS = 2
DUE_AFTER = timedelta(hours=1)
MOVED_TO = START + DUE_AFTER + timedelta(minutes=1)  # both processes' clocks stand here
BARRIER_TIMEOUT_S = 60.0
RUN_TIMEOUT_S = 120.0
MAX_ROUNDS = 50


def engine_of(app):
    return app.extensions["lieta_engine"]


def start_waiting_instances(app, count: int) -> tuple[dict[str, int], float]:
    """Deploy the process and start `count` instances through the service layer; returns each
    instance's lock version after the start, and how long the starts took."""
    with app.app_context():
        engine = engine_of(app)
        analyst = engine.users.create("analyst", "secret-analyst", ["process_analyst"])
        clerk = engine.users.create("clerk", "secret-clerk", ["clerk"])
        engine.deployments.deploy(analyst, [("tick.bpmn", hour_timer_process(PROCESS_ID).encode())])
        began = time.monotonic()
        versions = {}
        for number in range(count):
            instance = engine.instances.start(clerk, PROCESS_ID, business_key=f"TICK-{number}")
            versions[instance.id] = instance.lock_version
        took = time.monotonic() - began
        session = engine.session()
        pending = session.scalar(select(func.count()).select_from(Timer).where(Timer.status == TimerStatus.PENDING))
        assert pending == count
        assert session.scalar(select(func.max(Timer.due_at))) == START + DUE_AFTER
        assert session.scalar(select(func.count()).select_from(HumanTask)) == 0  # all wait on the timer
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()  # the worker processes are the only writers from now on
    return versions, took


# --- the worker processes -------------------------------------------------------------------------


def build_worker_app(database_url: str, instance_path: str, **overrides):
    """A worker's own app, as a web process builds it, with its own clock at the moved instant."""
    from engine.clock import FrozenClock
    from tests.conftest import make_app

    settings = {"sandbox_workers": 1, "scheduler_enabled": False, **overrides}
    return make_app(database_url, FrozenClock(MOVED_TO), None, Path(instance_path), **settings)


def close_worker_app(app) -> None:
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    engine_of(app).close()


def fire_until_nothing_due(database_url: str, instance_path: str, name: str, start, _rounds, results) -> None:
    """Body of one worker: build the app, wait for the others, then fire until nothing is due."""
    app = build_worker_app(database_url, instance_path)
    try:
        try:
            start.wait(BARRIER_TIMEOUT_S)
        except threading.BrokenBarrierError:
            results.put(("broken", name, "the start barrier broke (another process never arrived)"))
            return
        began = time.monotonic()
        fired = calls = 0
        with app.app_context():
            engine = engine_of(app)
            while engine.timers.due(1):
                if time.monotonic() - began > RUN_TIMEOUT_S or calls > 10 * TIMERS:
                    results.put(("stuck", name, f"timers still due after {calls} calls"))
                    return
                fired += engine.timers.fire_due()
                calls += 1
        results.put(("done", name, {"fired": fired, "calls": calls, "seconds": time.monotonic() - began}))
    finally:
        close_worker_app(app)


def run_scheduler_rounds(database_url: str, instance_path: str, name: str, start, barrier, results) -> None:
    """Body of one worker running the real scheduler job in lock-step rounds: run one round,
    meet, look whether anything is still due, meet again (so both look at the same state)."""
    from webapp.extensions import db
    from webapp.scheduler import holder_name, run_engine_jobs

    app = build_worker_app(database_url, instance_path, timer_batch=SCHEDULER_BATCH)
    holder = holder_name()
    try:
        rounds: list[dict[str, int]] = []
        try:
            start.wait(BARRIER_TIMEOUT_S)
            while len(rounds) < MAX_ROUNDS:
                rounds.append(run_engine_jobs(app, holder))
                barrier.wait(BARRIER_TIMEOUT_S)
                with app.app_context():
                    left = len(engine_of(app).timers.due(1))
                    db.session.remove()
                barrier.wait(BARRIER_TIMEOUT_S)
                if not left:
                    break
        except threading.BrokenBarrierError:
            results.put(("broken", name, f"the barrier broke after {len(rounds)} rounds"))
            return
        results.put(("done", name, {"holder": holder, "rounds": rounds}))
    finally:
        close_worker_app(app)


@dataclass
class WorkerReports:
    done: dict[str, dict]
    seconds: float  # from releasing the workers to their last report


def run_workers(target, database_url: str, tmp_path: Path) -> WorkerReports:
    """Spawn WORKERS processes running `target`; once all have built their apps, this process
    passes the start barrier with them (so it knows the moment of release); collect the reports."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS + 1)
    rounds = context.Barrier(WORKERS)
    results = context.Queue()
    names = [f"worker-{number}" for number in range(WORKERS)]
    workers = [
        context.Process(
            target=target, name=name, daemon=True,
            args=(database_url, str(tmp_path / name), name, start, rounds, results),
        )
        for name in names
    ]
    for worker in workers:
        worker.start()
    reports: list[tuple] = []
    try:
        try:
            start.wait(BARRIER_TIMEOUT_S)
        except threading.BrokenBarrierError:
            pytest.fail(f"the workers did not all reach the start: {[w.exitcode for w in workers]}")
        released = time.monotonic()
        deadline = released + RUN_TIMEOUT_S
        while len(reports) < WORKERS:
            try:
                report = results.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"the workers sent {len(reports)} of {WORKERS} reports in time: {reports}")
            if report[0] != "done":
                pytest.fail(f"{report[1]}: {report[2]}")
            reports.append(report)
        seconds = time.monotonic() - released
        for worker in workers:
            worker.join(BARRIER_TIMEOUT_S)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join(BARRIER_TIMEOUT_S)
        results.close()
    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    return WorkerReports(done={r[1]: r[2] for r in reports}, seconds=seconds)


# --- what the database must say afterwards --------------------------------------------------------


def assert_each_fired_once(app, versions: dict[str, int]) -> None:
    with app.app_context():
        engine = engine_of(app)
        session = engine.session()
        timers = list(session.scalars(select(Timer)))
        assert Counter(t.status for t in timers) == {TimerStatus.FIRED: len(versions)}
        assert {t.instance_id for t in timers} == set(versions)
        assert {t.fired_at for t in timers} == {MOVED_TO}
        audited = Counter(dict(session.execute(
            select(AuditEvent.task_id, func.count())
            .where(AuditEvent.event == "timer_fired").group_by(AuditEvent.task_id)
        ).all()))
        assert set(audited) == {t.task_id for t in timers}
        twice = {task: n for task, n in audited.items() if n != 1}
        assert not twice, f"timers with more than one timer_fired audit row: {twice}"
        tasks = list(session.scalars(select(HumanTask)))
        per_instance = Counter(t.instance_id for t in tasks)
        assert set(per_instance) == set(versions) and set(per_instance.values()) == {1}, "a user task projected twice"
        assert {(t.element_id, t.state) for t in tasks} == {("after", TaskState.READY)}
        moved = dict(session.execute(select(ProcessInstance.id, ProcessInstance.lock_version)).all())
        stepped = {iid: moved[iid] - version for iid, version in versions.items()}
        assert set(stepped.values()) == {1}, f"instances not changed exactly once: {Counter(stepped.values())}"
        problems = [p for iid in versions for p in instance_problems(engine, iid)]
        assert not problems, problems[:5]
        from webapp.extensions import db

        db.session.remove()


def dialect(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgres") else "sqlite"


@pytest.mark.slow
def test_two_processes_fire_a_thousand_due_timers_exactly_once(app, database_url, tmp_path):
    versions, start_seconds = start_waiting_instances(app, TIMERS)
    reports = run_workers(fire_until_nothing_due, database_url, tmp_path)
    split = {name: report["fired"] for name, report in sorted(reports.done.items())}
    print(
        f"\n[{dialect(database_url)}] started {TIMERS} instances in {start_seconds:.1f} s "
        f"({TIMERS / start_seconds:.0f}/s); {WORKERS} processes fired them in {reports.seconds:.1f} s "
        f"({TIMERS / reports.seconds:.0f}/s); split {split}; "
        f"fire_due calls {[r['calls'] for r in reports.done.values()]}"
    )
    assert_each_fired_once(app, versions)
    assert sum(split.values()) == TIMERS  # a firing counts only after its commit
    if dialect(database_url) == "postgresql":
        assert all(fired > 0 for fired in split.values()), f"the work was not shared: {split}"


@pytest.mark.slow
@pytest.mark.parametrize("count", [SCHEDULER_TIMERS, 500])
def test_the_scheduler_job_in_two_processes_fires_each_timer_once(app, database_url, tmp_path, count):
    from engine.models import Lease
    from webapp.scheduler import LEASE

    versions, _ = start_waiting_instances(app, count)
    reports = run_workers(run_scheduler_rounds, database_url, tmp_path)
    per_round = {name: [r["timers"] for r in report["rounds"]] for name, report in sorted(reports.done.items())}
    fired = {name: sum(rounds) for name, rounds in per_round.items()}
    print(f"\n[{dialect(database_url)}] scheduler rounds, timers fired per round: {per_round}")
    assert sum(fired.values()) == count
    assert_each_fired_once(app, versions)
    with app.app_context():
        from webapp.extensions import db

        lease = db.session.get(Lease, LEASE)
        lease_holder = lease.holder if lease is not None else None
        db.session.remove()
    if dialect(database_url) == "sqlite":
        # Frozen clocks: the lease never expires, so its first holder does every round's work.
        [(worker, report)] = [(n, r) for n, r in reports.done.items() if fired[n] > 0]
        assert fired[worker] == count
        assert lease_holder == report["holder"]
        assert all(r == 0 for n, rounds in per_round.items() if n != worker for r in rounds)
        assert len(per_round[worker]) >= count // SCHEDULER_BATCH
    else:
        assert lease_holder is None  # PostgreSQL needs no lease: each timer is claimed where it fires
        assert all(n > 0 for n in fired.values()), f"the work was not shared: {fired}"
