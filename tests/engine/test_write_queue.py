"""The write queue (engine/write_queue.py) on the real database: queued writes are read back by
the same transaction, go in with its commit or not at all, keep the optimistic lock, and reach
the driver with the columns' own conversions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import write_queue
from engine.models import AuditEvent, HumanTask
from engine.services.writes import close_unloaded, insert_rows
from webapp.database import engine_options
from webapp.settings import normalise_database_url

AT = datetime(2027, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def session(database_url):
    url = normalise_database_url(database_url)
    bind = create_engine(url, **engine_options(url))
    with Session(bind, expire_on_commit=False) as session:
        yield session
    bind.dispose()


def _audit_row(event: str, **extra) -> dict:
    return {"at": AT, "actor": "tester", "event": event, "instance_id": None, "task_id": None,
            "deployment_id": None, "data": {"n": 1, "words": ["ā", "ē"]}, "kind": "change", "row_mac": None, **extra}


def _events(session: Session) -> list[str]:
    names = session.scalars(select(AuditEvent.event).where(AuditEvent.actor == "tester").order_by(AuditEvent.id)).all()
    session.rollback()
    return list(names)


def test_queued_rows_are_read_back_in_the_same_transaction_and_converted_by_their_columns(session):
    insert_rows(session, AuditEvent, [_audit_row("first"), _audit_row("second")])
    assert write_queue.QUEUE in session.connection().info  # waiting, not yet sent
    row = session.execute(select(AuditEvent.at, AuditEvent.data).where(AuditEvent.event == "second")).one()
    assert row.at == AT
    assert row.data == {"n": 1, "words": ["ā", "ē"]}
    session.commit()
    assert _events(session) == ["first", "second"]


def test_the_commit_sends_what_waits(session):
    insert_rows(session, AuditEvent, [_audit_row("only at commit")])
    session.commit()
    assert _events(session) == ["only at commit"]


def test_a_rollback_drops_what_waits(session):
    insert_rows(session, AuditEvent, [_audit_row("dropped")])
    session.rollback()
    insert_rows(session, AuditEvent, [_audit_row("kept")])
    session.commit()
    assert _events(session) == ["kept"]


def test_a_rollback_to_a_savepoint_drops_only_the_writes_after_it(session):
    insert_rows(session, AuditEvent, [_audit_row("before")])
    savepoint = session.begin_nested()
    insert_rows(session, AuditEvent, [_audit_row("inside")])
    savepoint.rollback()
    session.commit()
    assert _events(session) == ["before"]


def test_a_versioned_update_matching_no_row_stops_the_whole_transaction(session):
    insert_rows(session, AuditEvent, [_audit_row("with the stale update")])
    close_unloaded(session, HumanTask, "no-such-task", {"state": "ready"}, {"state": "completed", "completed_at": AT})
    with pytest.raises(StaleDataError, match="no-such-task"):
        session.commit()
    session.rollback()
    assert _events(session) == []


def test_a_driver_error_is_raised_as_sqlalchemys_and_nothing_is_kept(session):
    insert_rows(session, AuditEvent, [_audit_row("one", id=10**6)])
    insert_rows(session, AuditEvent, [_audit_row("same id", id=10**6)])
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    assert _events(session) == []


def test_a_connection_back_in_the_pool_carries_nothing_to_its_next_user(session):
    insert_rows(session, AuditEvent, [_audit_row("abandoned")])
    session.close()  # no commit: the pool resets the connection
    insert_rows(session, AuditEvent, [_audit_row("next user")])
    session.commit()
    assert _events(session) == ["next user"]


def test_an_orm_flush_comes_after_the_queued_writes(session):
    insert_rows(session, AuditEvent, [_audit_row("queued first")])
    session.add(AuditEvent(**_audit_row("flushed second")))
    session.commit()
    assert _events(session) == ["queued first", "flushed second"]


def test_after_a_failed_commit_the_next_transaction_is_still_one(session):
    """The failure leaves the connection as it found it: what the next transaction writes and
    then rolls back is gone (a connection left in autocommit would have kept it)."""
    insert_rows(session, AuditEvent, [_audit_row("failed")])
    close_unloaded(session, HumanTask, "no-such-task", {"state": "ready"}, {"state": "completed", "completed_at": AT})
    with pytest.raises(StaleDataError):
        session.commit()
    session.rollback()
    insert_rows(session, AuditEvent, [_audit_row("rolled back")])
    assert session.scalar(select(AuditEvent.event).where(AuditEvent.actor == "tester")) == "rolled back"
    session.rollback()
    assert _events(session) == []


def _in_transaction(session: Session) -> bool:
    raw = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "postgresql":
        return raw.info.transaction_status != write_queue.PG_IDLE
    return raw.in_transaction


def test_reads_outside_a_transaction_open_none_and_writes_still_do(session):
    from engine.services.reads import outside_transaction

    with outside_transaction(session):
        assert session.scalar(select(AuditEvent.id).limit(1)) is None
    assert not _in_transaction(session)  # a request that only read needs no BEGIN nor ROLLBACK
    insert_rows(session, AuditEvent, [_audit_row("written")])
    with outside_transaction(session):  # something waits to be written: this read stays inside
        assert session.scalar(select(AuditEvent.event).where(AuditEvent.actor == "tester")) == "written"
    assert _in_transaction(session)
    session.rollback()
    assert _events(session) == []
