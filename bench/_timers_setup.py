"""Databases, apps and worker-process bodies for `bench/timers.py`.

The worker bodies live here (not in the script) so spawned processes import them by module name.
Each worker builds its own app as a web process does (own engine, workflow cache, connection
pool) with its own `FrozenClock`: every worker of a run stands at the same instant, so they agree
on what is due without reading the wall clock.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("LIETA_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
PROCESS_ID = "bench_tick"
STARTED_AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
DUE_AFTER = timedelta(hours=1)
FIRE_AT = STARTED_AT + DUE_AFTER + timedelta(minutes=1)
BARRIER_TIMEOUT_S = 120.0
RUN_TIMEOUT_S = 1800.0


# --- databases -----------------------------------------------------------------------------------


def _admin():
    from webapp.settings import normalise_database_url

    return create_engine(normalise_database_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")


def postgres_unreachable() -> str | None:
    """None when the server answers, else one line saying why not."""
    from bench._engine_db import postgres_reachable

    return postgres_reachable()


def database_url(name: str) -> str:
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def new_database_name() -> str:
    return f"lieta_bench_timers_{uuid.uuid4().hex[:10]}"


def create_database(name: str, template: str | None = None) -> str:
    """An empty database, or a file-level copy of `template` (which nobody may be connected to)."""
    admin = _admin()
    try:
        with admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    finally:
        admin.dispose()
    return database_url(name)


def drop_database(name: str) -> None:
    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def build_app(url: str, instance_path: Path, clock, **overrides):
    """The web app as a gunicorn worker builds it, with cheap hashing, one sandbox evaluator and
    no background scheduler (the benchmark drives the firing itself)."""
    from webapp import create_app

    os.environ["LIETA_INSTANCE_PATH"] = str(instance_path)
    settings = {
        "database_url": url, "argon2_time_cost": 1, "argon2_memory_kib": 1024, "sandbox_workers": 1,
        "scheduler_enabled": False, **overrides,
    }
    return create_app({"LIETA_SETTINGS_OVERRIDES": settings}, clock=clock)


def close_app(app) -> None:
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    app.extensions["lieta_engine"].close()


def migrate_and_seed(url: str, workdir: Path) -> None:
    """The production migrations (`flask db upgrade`), a clerk, and the process deployed."""
    from flask_migrate import upgrade

    from engine.clock import FrozenClock

    app = build_app(url, workdir / "instance-seed", FrozenClock(STARTED_AT))
    try:
        # Alembic prints an INFO line per migration to stderr: keep the output readable.
        with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
            upgrade(directory=str(REPO / "webapp" / "migrations"))
        with app.app_context():
            engine = app.extensions["lieta_engine"]
            analyst = engine.users.create("bench-analyst", "bench-password", ["process_analyst"])
            engine.users.create("bench-clerk", "bench-password", ["clerk"])
            from tests.support.bpmn_builder import hour_timer_process

            engine.deployments.deploy(analyst, [("bench_tick.bpmn", hour_timer_process(PROCESS_ID).encode())])
    finally:
        close_app(app)


# --- worker-process bodies -----------------------------------------------------------------------


def start_instances(url: str, instance_path: str, first: int, count: int, results) -> None:
    """Start `count` instances through the service layer (each its own transaction)."""
    from engine.clock import FrozenClock

    app = build_app(url, Path(instance_path), FrozenClock(STARTED_AT))
    try:
        began = time.monotonic()
        with app.app_context():
            engine = app.extensions["lieta_engine"]
            clerk = engine.users.by_username("bench-clerk")
            for number in range(first, first + count):
                engine.instances.start(clerk, PROCESS_ID, business_key=f"TICK-{number}")
        results.put(("started", count, began, time.monotonic()))
    except Exception as err:  # noqa: BLE001 - reported to the parent, which stops the benchmark
        results.put(("error", f"{type(err).__name__}: {err}", 0.0, 0.0))
    finally:
        close_app(app)


def fire_until_nothing_due(url: str, instance_path: str, name: str, barrier, results) -> None:
    """Build the app, wait at the barrier with the others, then fire until nothing is due."""
    from engine.clock import FrozenClock

    app = build_app(url, Path(instance_path), FrozenClock(FIRE_AT))
    try:
        try:
            barrier.wait(BARRIER_TIMEOUT_S)
        except threading.BrokenBarrierError:
            results.put(("error", name, "the barrier broke"))
            return
        began, cpu = time.monotonic(), time.process_time()
        fired = calls = 0
        with app.app_context():
            engine = app.extensions["lieta_engine"]
            while engine.timers.due(1):
                if time.monotonic() - began > RUN_TIMEOUT_S:
                    results.put(("error", name, f"timers still due after {RUN_TIMEOUT_S} s"))
                    return
                fired += engine.timers.fire_due()
                calls += 1
        results.put(("fired", name, {
            "fired": fired, "calls": calls, "began": began, "ended": time.monotonic(),
            "cpu": time.process_time() - cpu,
        }))
    except Exception as err:  # noqa: BLE001 - reported to the parent, which stops the benchmark
        results.put(("error", name, f"{type(err).__name__}: {err}"))
    finally:
        close_app(app)
