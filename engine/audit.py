"""Writing to the append-only audit trail, each row sealed with its own MAC.

`record` queues a row on the caller's session; `atomic` (the owner of every transaction) writes
the queue with one INSERT just before it commits and drops it on rollback. The audit row and the
change it records therefore succeed or fail together, and the rows skip the ORM's per-object
bookkeeping, which cost more than the insert itself.

Each row gets `row_mac`, an HMAC-SHA256 of its canonical form under the audit key, computed here
in the row's own transaction: one HMAC per row, no extra query. The key belongs to the database
the row goes to (`use_key`, called when the engine is built), so the engine never asks Flask for
it. Linking rows into a hash chain happens later, off the hot path (engine.services.audit_trail);
docs/audit.md explains why.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import weakref
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.engine import Engine as Bind
from sqlalchemy.orm import Session

from engine import write_queue
from engine.errors import EngineError
from engine.models import AuditEvent

_PENDING = "lieta_audit_pending"
_INSERT = insert(AuditEvent.__table__)
_COLUMNS = ("actor", "at", "data", "deployment_id", "event", "instance_id", "kind", "row_mac", "task_id")
KINDS = ("change", "access")
# One key per database engine (connection pool); weak, so a disposed test database leaves no trace.
_KEYS: weakref.WeakKeyDictionary[Bind, bytes] = weakref.WeakKeyDictionary()


def derive_key(secret: str) -> bytes:
    """The audit MAC key, derived from the application's secret key (never the secret itself)."""
    return hmac.new(secret.encode(), b"lieta audit row mac v1", hashlib.sha256).digest()


def use_key(bind: Bind, key: bytes) -> None:
    """Rows written through `bind` are MACed with `key`."""
    if len(key) < 16:
        raise EngineError("the audit key must be at least 16 bytes")
    _KEYS[bind] = key


def key_for(bind: Bind) -> bytes:
    key = _KEYS.get(bind)
    if key is None:
        raise EngineError("no audit key is set for this database: build the engine with its bind")
    return key


def record(
    session: Session,
    at: datetime,
    actor: str,
    event: str,
    *,
    instance_id: str | None = None,
    task_id: str | None = None,
    deployment_id: str | None = None,
    data: dict | None = None,
    kind: str = "change",
) -> None:
    if kind not in KINDS:
        raise EngineError(f"unknown audit kind {kind!r}")
    session.info.setdefault(_PENDING, []).append(
        {
            "at": at, "actor": actor, "event": event, "instance_id": instance_id, "task_id": task_id,
            "deployment_id": deployment_id, "data": data, "kind": kind,
        }
    )


def canonical(row: dict) -> bytes:
    """The bytes a row's MAC covers: its content fields as compact, key-sorted JSON. `data` is
    written as JSON and read back, so its JSON text is what both sides agree on."""
    at = row["at"]
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    fields = [
        at.isoformat(timespec="microseconds"), row["actor"], row["event"], row["instance_id"],
        row["task_id"], row["deployment_id"], row["data"], row["kind"],
    ]
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_mac(key: bytes, row: dict) -> str:
    return hmac.new(key, canonical(row), hashlib.sha256).hexdigest()


def write_pending(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows:
        connection = session.connection()
        key = key_for(connection.engine)
        for row in rows:
            row["row_mac"] = row_mac(key, row)
        # Straight to the driver with the change's other writes: the ORM's bulk path, and even a
        # Core insert, cost more than the insert itself.
        write_queue.enqueue(connection, write_queue.prepare(connection.dialect, _INSERT, _COLUMNS), rows)


def discard_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
