"""Writing to the append-only audit trail. Rows are added to the caller's transaction, never
committed here: the audit row and the change it records succeed or fail together."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.models import AuditEvent


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
) -> None:
    session.add(
        AuditEvent(
            at=at, actor=actor, event=event, instance_id=instance_id, task_id=task_id,
            deployment_id=deployment_id, data=data,
        )
    )
