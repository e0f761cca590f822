"""Reading the audit trail as an admin: the access log (who read which case) and the changes to
people, roles, links and supervision, which belong to no case's own history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.errors import N_, PermissionDenied
from engine.models import AuditEvent, User

if TYPE_CHECKING:
    from engine.services.engine import Engine

KINDS = ("access", "change")


class AuditLogService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def search(
        self,
        actor: User,
        *,
        kind: str | None = None,
        instance_id: str | None = None,
        user: str | None = None,
        event: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[AuditEvent]:
        """Newest first. Reading the access log is itself a read of many cases: admins only."""
        if not actor.is_admin or actor.is_service_account:
            raise PermissionDenied(N_("only an admin may read the audit trail"))
        query = select(AuditEvent)
        if kind:
            query = query.where(AuditEvent.kind == kind)
        if instance_id:
            query = query.where(AuditEvent.instance_id == instance_id)
        if user:
            query = query.where(AuditEvent.actor == user)
        if event:
            query = query.where(AuditEvent.event == event)
        query = query.order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
        return list(self.engine.session().scalars(query))
