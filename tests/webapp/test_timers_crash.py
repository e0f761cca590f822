"""A scheduler process killed (SIGKILL) inside a batch of timers loses none and fires none twice.

A worker process claims a batch of due timers and fires it in one transaction; a hook stops it
just before the commit is sent and tells the test, which SIGKILLs it. The hook sits where the
write queue (engine/write_queue.py) sends at the commit: the rows the ORM flushed are in the
database, uncommitted, and the queued writes wait in the process (on PostgreSQL they go in one
round trip with the COMMIT, so there is no later moment before the commit).
The database must show every timer still pending; the scheduler's own function, called here,
then fires each timer exactly once (one lock-version step per instance, one audit row per timer).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from engine import write_queue
from engine.models import AuditEvent, Timer, TimerStatus
from engine.services.timers import BATCH_SIZE
from tests.webapp.test_timers_scale import (
    BARRIER_TIMEOUT_S,
    MOVED_TO,
    assert_each_fired_once,
    build_worker_app,
    close_worker_app,
    engine_of,
    start_waiting_instances,
)

TIMERS = 3 * BATCH_SIZE  # the first batch is killed, more wait behind it


def fire_and_stop_before_commit(database_url: str, instance_path: str, results) -> None:
    """Body of the worker: fire due timers, but hold the first commit until SIGKILL arrives."""
    app = build_worker_app(database_url, instance_path)
    with app.app_context():
        send = write_queue.send

        def hold_then_send(connection, *, commit: bool = False) -> None:
            if commit:
                waiting = len(connection.info.get(write_queue.QUEUE, []))
                results.put(("committing", os.getpid(), waiting))
                threading.Event().wait()  # until the test kills this process
            send(connection, commit=commit)

        # The write queue sends at the commit what waits (on PostgreSQL with the COMMIT itself):
        # this process is killed, so nothing else ever meets the replaced function.
        write_queue.send = hold_then_send
        try:
            engine_of(app).timers.fire_due()
        finally:
            results.put(("returned", os.getpid(), 0))  # only reached if the hook never ran
    close_worker_app(app)


@pytest.mark.slow
def test_a_scheduler_killed_mid_batch_leaves_each_timer_to_fire_exactly_once(app, database_url, clock, tmp_path):
    versions, _ = start_waiting_instances(app, TIMERS)
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    worker = context.Process(
        target=fire_and_stop_before_commit, daemon=True, args=(database_url, str(tmp_path / "killed"), results),
    )
    worker.start()
    try:
        what, pid, waiting = results.get(timeout=BARRIER_TIMEOUT_S)
        assert (what, pid) == ("committing", worker.pid), "the worker fired without stopping at its commit"
        assert waiting > 0, "the held commit was not the batch's (no writes waited to go with it)"
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(BARRIER_TIMEOUT_S)
        assert worker.exitcode == -signal.SIGKILL
    finally:
        if worker.is_alive():
            worker.kill()
            worker.join(BARRIER_TIMEOUT_S)
        results.close()

    with app.app_context():
        session = engine_of(app).session()
        statuses = Counter(session.scalars(select(Timer.status)))
        audited = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.event == "timer_fired"))
        session.rollback()
        assert statuses == {TimerStatus.PENDING: TIMERS}, "the killed batch left timers half-fired"
        assert audited == 0

        clock.set(MOVED_TO)
        fired = engine_of(app).timers.fire_due()
        from webapp.extensions import db

        db.session.remove()
    assert fired == TIMERS
    assert_each_fired_once(app, versions)
