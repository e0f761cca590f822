"""SQLite's write-ahead log goes back into the database file every 10,000 pages, not at SQLite's
default of 1,000 (webapp/database.py says why: checkpoints were a fifth of the commit time)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from webapp.database import WAL_AUTOCHECKPOINT_PAGES, engine_options

PAGES_PER_ROW = 100  # a 400 kB blob on 4 kB pages


@pytest.fixture
def sqlite_engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'lieta.sqlite3'}"
    engine = create_engine(url, **engine_options(url))
    yield engine
    engine.dispose()


def _commit_blobs(engine, commits: int) -> None:
    """One commit per row, as the app commits each change."""
    for _ in range(commits):
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO blobs VALUES (randomblob(400000))")


def _log_frames(engine) -> int:
    """Pages now in the log (a passive checkpoint reports them and copies what it can)."""
    with engine.connect() as connection:
        _busy, frames, _copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    return frames


@pytest.mark.parametrize("rows", [15, 30])
def test_the_log_is_not_copied_back_before_it_holds_the_set_number_of_pages(sqlite_engine, rows):
    with sqlite_engine.begin() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == WAL_AUTOCHECKPOINT_PAGES
        connection.exec_driver_sql("CREATE TABLE blobs (b BLOB)")
    _commit_blobs(sqlite_engine, rows)
    # SQLite's default would have copied the log back at 1,000 pages and started it again.
    assert _log_frames(sqlite_engine) >= rows * PAGES_PER_ROW > 1000


def test_a_checkpoint_runs_once_the_log_holds_the_set_number_of_pages(sqlite_engine):
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE blobs (b BLOB)")
    _commit_blobs(sqlite_engine, WAL_AUTOCHECKPOINT_PAGES // PAGES_PER_ROW + 10)
    assert _log_frames(sqlite_engine) < WAL_AUTOCHECKPOINT_PAGES
