"""The background scheduler of a web process (APScheduler 3): fires due timers, retries
incidents with backoff, routes the message outbox, expires buffered messages, forgets expired sign-in
failure counters, moves a batch of cases of a version migration, seals new audit rows into the
hash chain and, on SQLite, gathers the planner's statistics every hour.

Several processes may run it against one PostgreSQL database: each timer, message and retry is
claimed inside the transaction that acts on it, so nothing happens twice. On SQLite one process
at a time holds the `engine-jobs` lease and does the work.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from engine.errors import EngineError
from engine.services.leases import acquire
from webapp import sqlite_statistics
from webapp.engine_ext import get_engine
from webapp.extensions import db

log = logging.getLogger(__name__)
LEASE = "engine-jobs"


def run_engine_jobs(app: Flask, holder: str) -> dict[str, int]:
    """One round of background work; returns what it did (for logs and tests)."""
    settings = app.config["LIETA_SETTINGS"]
    done = {"timers": 0, "retries": 0, "outbox": 0, "buffered": 0, "expired": 0, "sealed": 0, "sign_in_counters": 0,
            "migrated": 0, "statistics": 0}
    with app.app_context():
        engine = get_engine()
        try:
            if db.engine.dialect.name == "sqlite":
                ttl = timedelta(seconds=max(10.0, 3 * settings.timer_poll_seconds))
                try:
                    if not acquire(engine, LEASE, holder, ttl):
                        return done
                except EngineError:
                    return done  # another process took the lease at the same moment
                refresher = app.extensions.setdefault("lieta_sqlite_statistics", sqlite_statistics.Refresher())
                done["statistics"] = int(refresher.run_if_due(db.session, engine.clock.now()))
            done["timers"] = engine.timers.fire_due(limit=settings.timer_batch)
            done["retries"] = engine.incidents.retry_due()
            done["outbox"] = engine.messages.dispatch_pending()
            done["buffered"] = engine.messages.deliver_buffered()
            done["expired"] = engine.messages.expire()
            done["sign_in_counters"] = engine.sign_in.purge_expired()
            # One batch of a version migration per round, so timers never wait behind a long job.
            done["migrated"] = engine.migrations.run_pending(holder)
            sealing = engine.audit_trail.seal()
            done["sealed"] = sealing.sealed
            for row_id, reason in sealing.refused:
                log.warning("audit row %s refused by the sealer: %s", row_id, reason)
        finally:
            db.session.remove()
    if any(done.values()):
        log.info("engine jobs: %s", done)
    return done


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _stop(scheduler: BackgroundScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=False)


def init_app(app: Flask) -> None:
    settings = app.config["LIETA_SETTINGS"]
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    app.extensions["lieta_scheduler"] = scheduler
    if not settings.scheduler_enabled:
        return
    holder = holder_name()
    scheduler.add_job(
        run_engine_jobs, "interval", args=(app, holder), seconds=settings.timer_poll_seconds,
        id="engine-jobs", next_run_time=datetime.now(UTC),  # overdue timers fire at start-up
    )
    scheduler.start()
    atexit.register(_stop, scheduler)
    log.info("scheduler started as %s", holder)
