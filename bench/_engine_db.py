"""Fresh, migrated databases and a service-layer `Engine` over them, for `bench/engine.py`.

Each measurement gets its own database so nothing left by an earlier run (or by the tests)
changes the figures: a SQLite file in a temporary directory, or a `lieta_bench_<hex>` database
created on the PostgreSQL server of `PG_ADMIN_URL` and dropped afterwards.
"""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("LIETA_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
PASSWORD = "bench-password"


@dataclass
class BenchDatabase:
    kind: str  # "sqlite" | "postgresql"
    url: str  # as DATABASE_URL would carry it (normalised by the app)


def postgres_reachable() -> str | None:
    """None when the server answers, else one line saying why not."""
    from webapp.settings import normalise_database_url

    admin = create_engine(normalise_database_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except OperationalError as err:
        return str(err.orig).strip().splitlines()[0] if err.orig else str(err)
    finally:
        admin.dispose()


@contextlib.contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[BenchDatabase]:
    """A migrated, empty database; a PostgreSQL one is dropped on exit (also after errors)."""
    if kind == "sqlite":
        folder = workdir / f"sqlite-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        database = BenchDatabase("sqlite", f"sqlite:///{folder / 'lieta.sqlite3'}")
        _migrate(database.url, workdir)
        yield database
        return
    from webapp.settings import normalise_database_url

    admin = create_engine(normalise_database_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    name = f"lieta_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        database = BenchDatabase("postgresql", f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}")
        _migrate(database.url, workdir)
        yield database
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str, workdir: Path) -> None:
    """The same Alembic migrations production runs (`flask db upgrade`), not `create_all`."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.extensions import db

    os.environ["LIETA_INSTANCE_PATH"] = str(workdir / "instance")
    app = create_app({"LIETA_SETTINGS_OVERRIDES": {"database_url": url}})
    # Alembic's logging config prints INFO lines to stderr for every migration: keep the tables readable.
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
        upgrade(directory=str(REPO / "webapp" / "migrations"))
        db.session.remove()
        db.engine.dispose()
    app.extensions["lieta_engine"].close()


@dataclass
class EngineHandle:
    engine: object  # engine.services.Engine
    session: Session
    admin: object  # engine.models.User
    clerk: object

    def close(self) -> None:
        self.session.close()
        self.session.get_bind().dispose()


def open_engine(database: BenchDatabase, sandbox, *, workflow_cache_size: int = 2000,
                script_engine=None) -> EngineHandle:
    """An `Engine` as the web app builds it (same pool options, SQLite pragmas, sandboxed
    script engine) but on one plain session, so no Flask request machinery is measured."""
    from engine.script_engine import SandboxedScriptEngine
    from engine.services import Engine, EngineSettings
    from webapp.database import engine_options  # also registers the SQLite pragmas (WAL, ...)
    from webapp.extensions import SESSION_OPTIONS
    from webapp.settings import normalise_database_url

    url = normalise_database_url(database.url)
    bind = create_engine(url, **engine_options(url))
    session = sessionmaker(bind=bind, **SESSION_OPTIONS)()
    engine = Engine(
        session=lambda: session,
        bind=bind,
        script_engine=script_engine or SandboxedScriptEngine(sandbox),
        settings=EngineSettings(argon2_time_cost=1, argon2_memory_kib=1024,
                                workflow_cache_size=workflow_cache_size),
    )
    return EngineHandle(engine, session, None, None)


def seed(handle: EngineHandle, bpmn_files: dict[str, str]) -> EngineHandle:
    """The admin who deploys, the clerk who works the tasks (lane "Clerk"), and the processes."""
    users = handle.engine.users
    handle.admin = users.create("bench-admin", PASSWORD, ["admin"])
    handle.clerk = users.create("bench-clerk", PASSWORD, ["clerk"])
    files = [(name, xml.encode()) for name, xml in bpmn_files.items()]
    handle.engine.deployments.deploy(handle.admin, files)
    return handle


def attach(handle: EngineHandle) -> EngineHandle:
    """Reload the seeded users into a handle opened on an already seeded database."""
    users = handle.engine.users
    handle.admin = users.by_username("bench-admin")
    handle.clerk = users.by_username("bench-clerk")
    return handle


def ready_rows(session, instance_ids: list[str]) -> list[tuple[str, str, str]]:
    """(task id, instance id, element id) of every ready inbox row: plain tuples, so nothing
    lands in the session's identity map and the measured `complete` calls do their own reads."""
    from sqlalchemy import select

    from engine.models import HumanTask, TaskState

    rows = session.execute(
        select(HumanTask.id, HumanTask.instance_id, HumanTask.element_id)
        .where(HumanTask.instance_id.in_(instance_ids), HumanTask.state == TaskState.READY)
        .order_by(HumanTask.created_at, HumanTask.id)
    ).all()
    session.commit()  # end the read transaction, as a request would
    return [tuple(r) for r in rows]
