"""The canonical form a row's MAC covers survives the database round trip (JSON text, UTC
timestamps), and any change to a content field changes the MAC."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from engine import audit

KEY = audit.derive_key("a test secret key")
ROW = {
    "at": datetime(2027, 1, 4, 9, 0, 0, 123456, tzinfo=UTC), "actor": "clerk", "event": "task_completed",
    "instance_id": "i-1", "task_id": "t-1", "deployment_id": None, "data": {"b": [1, 2.5], "a": "ā"},
    "kind": "change",
}


def test_the_mac_is_the_same_after_the_database_round_trip():
    stored = {**ROW, "data": json.loads(json.dumps(ROW["data"])),
              "at": ROW["at"].astimezone(timezone(timedelta(hours=2)))}
    naive_sqlite = {**ROW, "at": ROW["at"].replace(tzinfo=None)}
    assert audit.row_mac(KEY, stored) == audit.row_mac(KEY, ROW) == audit.row_mac(KEY, naive_sqlite)
    assert audit.row_mac(KEY, {**ROW, "data": {"a": "ā", "b": [1, 2.5]}}) == audit.row_mac(KEY, ROW)


@pytest.mark.parametrize(
    ("field", "value"),
    [("at", ROW["at"] + timedelta(microseconds=1)), ("actor", "clerk2"), ("event", "task_claimed"),
     ("instance_id", "i-2"), ("task_id", None), ("deployment_id", "d"), ("data", {"b": [1, 2.5], "a": "a"}),
     ("kind", "access")],
)
def test_changing_any_content_field_changes_the_mac(field, value):
    assert audit.row_mac(KEY, {**ROW, field: value}) != audit.row_mac(KEY, ROW)


def test_the_key_matters_and_is_not_the_secret():
    assert audit.row_mac(audit.derive_key("another secret"), ROW) != audit.row_mac(KEY, ROW)
    assert KEY != b"a test secret key" and len(KEY) == 32


def test_an_unknown_kind_is_refused():
    from sqlalchemy.orm import Session

    from engine.errors import EngineError

    session = Session()
    with pytest.raises(EngineError, match="unknown audit kind 'secret'"):
        audit.record(session, ROW["at"], "x", "y", kind="secret")
    audit.record(session, ROW["at"], "x", "y", kind="access")
    assert [row["kind"] for row in session.info["lieta_audit_pending"]] == ["access"]
