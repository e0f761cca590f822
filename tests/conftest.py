"""Shared fixtures: a real, freshly migrated database per test (SQLite by default, PostgreSQL
when TEST_DATABASE_URL is set), one sandbox for the whole run, a clock tests can move."""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine.clock import FrozenClock
from engine.sandbox import Sandbox, SandboxSettings
from webapp.settings import normalise_database_url

PG_URL = os.environ.get("TEST_DATABASE_URL")
START = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
_counter = itertools.count()


def pytest_collection_modifyitems(items):
    for item in items:
        if "database_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def _migrate(url: str, instance_path: Path) -> None:
    from flask_migrate import upgrade

    from webapp import create_app

    app = create_app(
        {"TESTING": True, "LIETA_SETTINGS_OVERRIDES": {"database_url": url}},
    )
    app.instance_path = str(instance_path)
    with app.app_context():
        upgrade(directory=str(Path(__file__).parent.parent / "webapp" / "migrations"))
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()


def _worker() -> str:
    """Unique per test process: two test runs on one PostgreSQL server must not share names."""
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


@pytest.fixture(scope="session")
def template_database(tmp_path_factory):
    """Migrated once per test worker; each test gets a copy."""
    if PG_URL:
        admin = create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")
        name = f"lieta_tpl_{_worker()}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        base = normalise_database_url(PG_URL).rsplit("/", 1)[0]
        _migrate(f"{base}/{name}", tmp_path_factory.mktemp("tpl"))
        yield ("postgresql", admin, name, base)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        folder = tmp_path_factory.mktemp("tpl")
        path = folder / "template.sqlite3"
        _migrate(f"sqlite:///{path}", folder)
        yield ("sqlite", None, path, None)


@pytest.fixture
def database_url(template_database, tmp_path):
    kind, admin, template, base = template_database
    if kind == "sqlite":
        path = tmp_path / "lieta.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    name = f"lieta_t_{_worker()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield f"{base}/{name}"
    _close_created_apps()  # before the drop, which would cut their pooled connections
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def session_clock():
    return FrozenClock(START)


@pytest.fixture
def clock(session_clock):
    session_clock.set(START)
    return session_clock


@pytest.fixture(scope="session")
def sandbox(session_clock):
    box = Sandbox(SandboxSettings(workers=2), clock=session_clock)
    yield box
    box.close()


def make_app(database_url: str, clock, sandbox, tmp_path: Path, **overrides):
    from webapp import create_app

    settings = {
        "database_url": database_url,
        # Cheap hashing keeps tests fast; production keeps argon2's defaults.
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        # Tests move the clock by days; sign-in tokens must outlive that (expiry has its own test).
        "token_ttl_hours": 24 * 400,
        **overrides,
    }
    os.environ["LIETA_INSTANCE_PATH"] = str(tmp_path / "instance")
    app = create_app(
        {"TESTING": True, "LIETA_SANDBOX": sandbox, "LIETA_SETTINGS_OVERRIDES": settings}, clock=clock
    )
    _APPS.append(app)
    return app


# Every app a test built: its pool is closed when the test ends, before its database is dropped;
# a pool left for the garbage collector closes its connections later, during another test.
_APPS: list = []


@pytest.fixture(autouse=True)
def _close_apps():
    yield
    _close_created_apps()


def _close_created_apps() -> None:
    from webapp.extensions import db

    while _APPS:
        app = _APPS.pop()
        scheduler = app.extensions.get("lieta_scheduler")
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=True)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(database_url, clock, sandbox, tmp_path):
    app = make_app(database_url, clock, sandbox, tmp_path)
    yield app
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """Speaks English, so assertions read naturally; Latvian (the default) has its own tests."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# Figures a test measured (recall, throughput …) are printed at the end of every run, also under
# xdist: a test stores them with `record_property("figures", text)`, which workers pass back.
_FIGURES: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        _FIGURES.extend((report.nodeid, value) for name, value in report.user_properties if name == "figures")


def pytest_terminal_summary(terminalreporter):
    for nodeid, figures in _FIGURES:
        terminalreporter.write_sep("-", f"figures from {nodeid}")
        terminalreporter.write_line(figures)
