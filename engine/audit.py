"""Writing to the append-only audit trail.

`record` queues a row on the caller's session; `atomic` (the owner of every transaction) writes
the queue with one INSERT just before it commits and drops it on rollback. The audit row and the
change it records therefore succeed or fail together, and the rows skip the ORM's per-object
bookkeeping, which cost more than the insert itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.models import AuditEvent

_PENDING = "lieta_audit_pending"
_INSERT = insert(AuditEvent.__table__)


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
    session.info.setdefault(_PENDING, []).append(
        {
            "at": at, "actor": actor, "event": event, "instance_id": instance_id, "task_id": task_id,
            "deployment_id": deployment_id, "data": data, "kind": kind,
        }
    )


def write_pending(session: Session) -> None:
    rows = session.info.pop(_PENDING, None)
    if rows:
        # Plain Core on the session's connection: the ORM's bulk path costs more than the insert.
        session.connection().execute(_INSERT, rows)


def discard_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)
