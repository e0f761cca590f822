"""SQLite's planner statistics are gathered on a database that has none and refreshed hourly by
the scheduler's round (webapp/sqlite_statistics.py). SQLite only, whichever database the rest of
the suite runs on: PostgreSQL's autovacuum keeps its own."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import make_app
from tests.webapp.conftest import Api
from webapp.database import engine_options
from webapp.extensions import db
from webapp.scheduler import run_engine_jobs

MIGRATIONS = str(Path(__file__).parents[2] / "webapp" / "migrations")


def _stat_rows(bind, table: str) -> int:
    with bind.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).scalar()


def test_a_connection_to_a_database_without_statistics_gathers_them(tmp_path):
    url = f"sqlite:///{tmp_path / 'lieta.sqlite3'}"
    first = create_engine(url, **engine_options(url))
    with first.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE cases (id INTEGER PRIMARY KEY, judge TEXT)")
        connection.exec_driver_sql("CREATE INDEX ix_cases_judge ON cases (judge)")
        connection.exec_driver_sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)"
                                   " INSERT INTO cases (judge) SELECT 'judge' || i FROM n")
    first.dispose()
    second = create_engine(url, **engine_options(url))
    assert _stat_rows(second, "cases") == 1
    with second.begin() as connection:
        connection.exec_driver_sql("DELETE FROM sqlite_stat1")
    second.dispose()
    third = create_engine(url, **engine_options(url))
    assert _stat_rows(third, "cases") == 1
    third.dispose()


@pytest.fixture
def sqlite_app(clock, sandbox, tmp_path):
    from flask_migrate import upgrade

    app = make_app(f"sqlite:///{tmp_path / 'lieta.sqlite3'}", clock, sandbox, tmp_path)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.session.remove()
    return app


def test_the_scheduler_gathers_them_again_every_hour(sqlite_app, clock):
    from tests.support.bpmn_builder import linear_process

    api = Api(sqlite_app, sqlite_app.test_client())
    api.create_users()
    assert run_engine_jobs(sqlite_app, "holder")["statistics"] == 1
    assert api.deploy({"linear.bpmn": linear_process(tasks=3)}).status_code == 201
    for _ in range(3):
        assert api.start("linear", as_user="clerk").status_code == 201
    with sqlite_app.app_context():
        bind = db.engine
    assert _stat_rows(bind, "task_offers") == 0  # empty when the statistics were gathered
    assert run_engine_jobs(sqlite_app, "holder")["statistics"] == 0  # within the hour
    clock.advance(timedelta(hours=1))
    assert run_engine_jobs(sqlite_app, "holder")["statistics"] == 1
    assert _stat_rows(bind, "task_offers") > 0  # the offers written since are counted
