"""Roles, institutions and units are data (tables seeded by migration 0006), not code: an admin
adds a role, and deployments and user records are checked against what the tables hold."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine import audit
from engine.errors import Conflict, InvalidInput
from engine.models import Institution, Role, Unit
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine

ROLE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


class DirectoryService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def roles(self) -> list[Role]:
        return list(self.engine.session().scalars(select(Role).order_by(Role.code)))

    def role_codes(self) -> frozenset[str]:
        return frozenset(self.engine.session().scalars(select(Role.code).where(Role.active.is_(True))))

    def institutions(self) -> list[tuple[Institution, list[Unit]]]:
        session = self.engine.session()
        units: dict[str, list[Unit]] = {}
        for unit in session.scalars(select(Unit).order_by(Unit.code)):
            units.setdefault(unit.institution_code, []).append(unit)
        return [(inst, units.get(inst.code, [])) for inst in session.scalars(select(Institution).order_by(Institution.code))]

    def check_roles(self, roles: list[str] | set[str] | frozenset[str]) -> list[str]:
        """The roles, sorted and without repeats; 422 naming any that is not in the roles table."""
        wanted = sorted(set(roles))
        known = self.role_codes()
        unknown = [role for role in wanted if role not in known]
        if unknown:
            raise InvalidInput(
                f"unknown roles: {', '.join(unknown)} (known: {', '.join(sorted(known))})",
                [{"field": "/roles", "message": f"unknown role {role!r}"} for role in unknown],
            )
        return wanted

    def check_placement(self, institution: str | None, unit: str | None) -> tuple[str | None, str | None]:
        """(institution, unit) as codes that exist, the unit inside the institution; a unit alone
        implies its institution."""
        session = self.engine.session()
        if unit:
            row = session.get(Unit, unit)
            if row is None:
                raise InvalidInput(f"unknown unit {unit!r}", [{"field": "/unit", "message": "no such unit"}])
            if institution and row.institution_code != institution:
                raise InvalidInput(
                    f"unit {unit!r} belongs to {row.institution_code}, not {institution}",
                    [{"field": "/unit", "message": f"not a unit of {institution}"}],
                )
            institution = row.institution_code
        if institution and session.get(Institution, institution) is None:
            known = ", ".join(session.scalars(select(Institution.code).order_by(Institution.code)))
            raise InvalidInput(
                f"unknown institution {institution!r} (known: {known})",
                [{"field": "/institution", "message": "no such institution"}],
            )
        return institution or None, unit or None

    def create_role(
        self, code: str, name_lv: str, name_en: str, institution: str | None = None, *, actor: str = "system"
    ) -> Role:
        code = code.strip()
        if not ROLE_CODE.match(code):
            raise InvalidInput(
                f"role code {code!r} must be 2–60 lower-case letters, digits or '_', starting with a letter",
                [{"field": "/code", "message": "invalid role code"}],
            )
        if not name_lv.strip() or not name_en.strip():
            raise InvalidInput("a role needs a Latvian and an English name",
                               [{"field": "/name_lv", "message": "required"}, {"field": "/name_en", "message": "required"}])
        institution, _unit = self.check_placement(institution, None)
        session = self.engine.session()
        if session.get(Role, code) is not None:
            raise Conflict(f"role {code!r} already exists")
        role = Role(code=code, name_lv=name_lv.strip(), name_en=name_en.strip(), institution_code=institution, active=True)
        session.add(role)
        with atomic(session, f"role {code!r} could not be created"):
            audit.record(session, self.engine.clock.now(), actor, "role_created",
                         data={"code": code, "name_lv": role.name_lv, "name_en": role.name_en, "institution": institution})
        return role
