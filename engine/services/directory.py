"""Roles, institutions and units are data (tables seeded by migration 0006), not code: an admin
adds a role, and deployments and user records are checked against what the tables hold."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine import audit
from engine.errors import N_, Conflict, InvalidInput, Phrase, field_error
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
                N_("unknown roles: %(roles)s (known: %(known)s)"),
                [field_error("/roles", N_("unknown role %(role)r"), role=role) for role in unknown],
                params={"roles": ", ".join(unknown), "known": ", ".join(sorted(known))},
            )
        return wanted

    def check_placement(self, institution: str | None, unit: str | None) -> tuple[str | None, str | None]:
        """(institution, unit) as codes that exist, the unit inside the institution; a unit alone
        implies its institution."""
        session = self.engine.session()
        if unit:
            row = session.get(Unit, unit)
            if row is None:
                raise InvalidInput(N_("unknown unit %(unit)r"), [field_error("/unit", N_("no such unit"))], params={"unit": unit})
            if institution and row.institution_code != institution:
                raise InvalidInput(
                    N_("unit %(unit)r belongs to %(owner)s, not %(institution)s"),
                    [field_error("/unit", N_("not a unit of %(institution)s"), institution=institution)],
                    params={"unit": unit, "owner": row.institution_code, "institution": institution},
                )
            institution = row.institution_code
        if institution and session.get(Institution, institution) is None:
            known = ", ".join(session.scalars(select(Institution.code).order_by(Institution.code)))
            raise InvalidInput(
                N_("unknown institution %(institution)r (known: %(known)s)"),
                [field_error("/institution", N_("no such institution"))],
                params={"institution": institution, "known": known},
            )
        return institution or None, unit or None

    def create_role(
        self, code: str, name_lv: str, name_en: str, institution: str | None = None, *, actor: str = "system"
    ) -> Role:
        code = code.strip()
        if not ROLE_CODE.match(code):
            raise InvalidInput(
                N_("role code %(code)r must be 2–60 lower-case letters, digits or '_', starting with a letter"),
                [field_error("/code", N_("invalid role code"))],
                params={"code": code},
            )
        if not name_lv.strip() or not name_en.strip():
            raise InvalidInput(N_("a role needs a Latvian and an English name"),
                               [field_error("/name_lv", N_("required")), field_error("/name_en", N_("required"))])
        institution, _unit = self.check_placement(institution, None)
        session = self.engine.session()
        if session.get(Role, code) is not None:
            raise Conflict(N_("role %(code)r already exists"), params={"code": code})
        role = Role(code=code, name_lv=name_lv.strip(), name_en=name_en.strip(), institution_code=institution, active=True)
        session.add(role)
        with atomic(session, Phrase(N_("role %(code)r could not be created"), code=code)):
            audit.record(session, self.engine.clock.now(), actor, "role_created",
                         data={"code": code, "name_lv": role.name_lv, "name_en": role.name_en, "institution": institution})
        return role
