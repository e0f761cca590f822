"""Admin-set data that widens need-to-know: the roles that supervise a process, and the processes
a service account may reach. Every change is audited with what it was and what it became."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from engine import audit
from engine.errors import N_, InvalidInput, PermissionDenied, field_error
from engine.models import ProcessSupervisor, Role, ServiceGrant, User
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


class SupervisionService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def supervisors(self, actor: User) -> dict[str, list[str]]:
        _admin_only(actor)
        return self._supervisors()

    def _supervisors(self) -> dict[str, list[str]]:
        rows = self.engine.session().execute(
            select(ProcessSupervisor.process_id, ProcessSupervisor.role).order_by(ProcessSupervisor.process_id, ProcessSupervisor.role)
        )
        found: dict[str, list[str]] = {}
        for process_id, role in rows:
            found.setdefault(process_id, []).append(role)
        return found

    def set_supervisors(self, actor: User, process_id: str, roles: list[str]) -> list[str]:
        _admin_only(actor)
        session = self.engine.session()
        wanted = sorted(set(roles))
        known = set(session.scalars(select(Role.code).where(Role.code.in_(wanted))))
        unknown = [role for role in wanted if role not in known]
        if unknown:
            raise InvalidInput(
                N_("unknown roles: %(roles)s"),
                [field_error("/roles", N_("%(role)r is not a known role"), role=role) for role in unknown],
                params={"roles": ", ".join(unknown)},
            )
        before = self._supervisors().get(process_id, [])
        if before == wanted:
            return wanted
        now = self.engine.clock.now()
        with atomic(session, N_("the supervising roles could not be changed")):
            session.execute(delete(ProcessSupervisor).where(ProcessSupervisor.process_id == process_id))
            session.add_all(
                ProcessSupervisor(process_id=process_id, role=role, created_at=now, created_by=actor.username) for role in wanted
            )
            audit.record(
                session, now, actor.username, "supervisors_changed",
                data={"process_id": process_id, "before": before, "after": wanted},
            )
        return wanted

    def grants(self, actor: User) -> dict[str, list[str]]:
        _admin_only(actor)
        return self._grants()

    def _grants(self) -> dict[str, list[str]]:
        rows = self.engine.session().execute(
            select(User.username, ServiceGrant.process_id).join(User, User.id == ServiceGrant.user_id)
            .order_by(User.username, ServiceGrant.process_id)
        )
        found: dict[str, list[str]] = {}
        for username, process_id in rows:
            found.setdefault(username, []).append(process_id)
        return found

    def set_grants(self, actor: User, username: str, process_ids: list[str]) -> list[str]:
        _admin_only(actor)
        session = self.engine.session()
        account = self.engine.users.by_username(username)
        if not account.is_service_account:
            raise InvalidInput(
                N_("%(user)r is a person, not a service account: people reach cases through their part in them"),
                [field_error("/username", N_("not a service account"))],
                params={"user": username},
            )
        wanted = sorted({p.strip() for p in process_ids if p and p.strip()})
        before = self._grants().get(username, [])
        if before == wanted:
            return wanted
        now = self.engine.clock.now()
        with atomic(session, N_("the grants could not be changed")):
            session.execute(delete(ServiceGrant).where(ServiceGrant.user_id == account.id))
            session.add_all(
                ServiceGrant(user_id=account.id, process_id=p, created_at=now, created_by=actor.username) for p in wanted
            )
            audit.record(
                session, now, actor.username, "service_grants_changed",
                data={"username": username, "before": before, "after": wanted},
            )
        return wanted


def _admin_only(actor: User) -> None:
    if not actor.is_admin or actor.is_service_account:
        raise PermissionDenied(N_("only an admin may change who supervises processes or what service accounts reach"))
