"""Advocates on the legal-aid list: profiles, leave, and the assignments recorded for them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from engine.errors import N_, Conflict, PermissionDenied, Phrase
from engine.models import ProcessInstance, User
from engine.services.transaction import atomic
from webapp.engine_ext import get_engine
from webapp.extensions import db
from webapp.resources import people
from webapp.resources.common import language_code, require_role, riga_date, territory_name
from webapp.resources.models import Advocate, AdvocateAssignment, AdvocateLeave, AssignmentStatus
from webapp.resources.people import (
    get_or_404,
    leave_dict,
    now,
    on_leave,
    record,
    user_id_for,
    username_of,
)

MANAGERS = ("legal_aid_officer",)
PROFILE_FIELDS = ("full_name", "territories", "languages", "juvenile", "daily_capacity", "active")


def _may_read(actor: User) -> None:
    require_role(actor, *MANAGERS, action=N_("see the advocates"))


def _normalised(fields: dict) -> dict:
    out = dict(fields)
    if "territories" in out:
        out["territories"] = sorted({territory_name(t, "territories") for t in out["territories"]})
    if "languages" in out:
        out["languages"] = sorted({language_code(lang, "languages") for lang in out["languages"]})
    return out


def load_by_advocate(start: dt.date, end: dt.date) -> dict[int, int]:
    """Assignments (not declined) per advocate with start <= assigned_on < end."""
    rows = db.session.execute(
        select(AdvocateAssignment.advocate_id, func.count())
        .where(
            AdvocateAssignment.status == AssignmentStatus.ASSIGNED,
            AdvocateAssignment.assigned_on >= start,
            AdvocateAssignment.assigned_on < end,
        )
        .group_by(AdvocateAssignment.advocate_id)
    )
    return {advocate_id: count for advocate_id, count in rows}


def to_dict(advocate: Advocate, load_30d: int | None = None) -> dict:
    return {
        "id": advocate.id,
        "code": advocate.code,
        "full_name": advocate.full_name,
        "user": username_of(advocate.user_id),
        "territories": list(advocate.territories),
        "languages": list(advocate.languages),
        "juvenile": advocate.juvenile,
        "daily_capacity": advocate.daily_capacity,
        "office_location": [advocate.office_x_km, advocate.office_y_km],
        "active": advocate.active,
        "leaves": [leave_dict(leave) for leave in advocate.leaves],
        "load_30d": load_30d,
    }


def list_advocates(actor: User, territory: str | None = None, language: str | None = None,
                   active: bool | None = None) -> list[dict]:
    _may_read(actor)
    query = select(Advocate).order_by(Advocate.code)
    if active is not None:
        query = query.where(Advocate.active == active)
    rows = list(db.session.scalars(query))
    if territory:
        name = territory_name(territory)
        rows = [a for a in rows if name in a.territories]
    if language:
        code = language_code(language)
        rows = [a for a in rows if code in a.languages]
    today = riga_date(now())
    loads = load_by_advocate(today - dt.timedelta(days=30), today + dt.timedelta(days=1))
    return [to_dict(a, loads.get(a.id, 0)) for a in rows]


def get_advocate(actor: User, advocate_id: int) -> dict:
    advocate = get_or_404(Advocate, advocate_id, "advocate")
    if advocate.user_id != actor.id:
        _may_read(actor)
    today = riga_date(now())
    return to_dict(advocate, load_by_advocate(today - dt.timedelta(days=30), today + dt.timedelta(days=1)).get(advocate.id, 0))


def create_advocate(actor: User, fields: dict) -> dict:
    require_role(actor, *MANAGERS, action=N_("add advocates"))
    session = db.session
    fields = _normalised(fields)
    if session.scalar(select(Advocate.id).where(Advocate.code == fields["code"])) is not None:
        raise Conflict(N_("an advocate with code %(code)r already exists"), params={"code": fields["code"]})
    moment = now()
    location = fields.get("office_location") or [0.0, 0.0]
    advocate = Advocate(
        code=fields["code"], full_name=fields["full_name"], user_id=user_id_for(fields.get("user"), "advocate"),
        territories=fields["territories"], languages=fields.get("languages") or ["lv"],
        juvenile=fields.get("juvenile", False), daily_capacity=fields.get("daily_capacity", 2),
        office_x_km=float(location[0]), office_y_km=float(location[1]), active=fields.get("active", True),
        created_at=moment, updated_at=moment,
    )
    with atomic(session, Phrase(N_("advocate %(code)r could not be added"), code=fields["code"])):
        session.add(advocate)
        session.flush()
        record(actor.username, "advocate_created", advocate_id=advocate.id, **_audit_fields(fields))
    return to_dict(advocate, 0)


def update_advocate(actor: User, advocate_id: int, fields: dict) -> dict:
    require_role(actor, *MANAGERS, action=N_("change advocates"))
    session = db.session
    advocate = get_or_404(Advocate, advocate_id, "advocate")
    fields = _normalised(fields)
    with atomic(session, Phrase(N_("advocate %(id)s could not be changed"), id=advocate_id)):
        for name in PROFILE_FIELDS:
            if name in fields:
                setattr(advocate, name, fields[name])
        if "office_location" in fields:
            advocate.office_x_km, advocate.office_y_km = (float(v) for v in fields["office_location"])
        if "user" in fields:
            old_user = username_of(advocate.user_id)
            advocate.user_id = user_id_for(fields["user"], "advocate")
            if old_user != (fields["user"] or None):
                record(actor.username, "advocate_user_linked", advocate_id=advocate.id, old=old_user, new=fields["user"] or None)
        advocate.updated_at = now()
        record(actor.username, "advocate_updated", advocate_id=advocate.id, **_audit_fields(fields))
    return get_advocate(actor, advocate_id)


def add_leave(actor: User, advocate_id: int, start: dt.date, end: dt.date, reason: str = "") -> dict:
    require_role(actor, *MANAGERS, action=N_("record advocates' leave"))
    advocate = get_or_404(Advocate, advocate_id, "advocate")
    return people.add_leave(actor.username, advocate, AdvocateLeave, "advocate", start, end, reason)


def delete_leave(actor: User, advocate_id: int, leave_id: int) -> None:
    require_role(actor, *MANAGERS, action=N_("record advocates' leave"))
    people.delete_leave(actor.username, AdvocateLeave, "advocate", advocate_id, leave_id)


def assignments(actor: User, advocate_id: int, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    advocate = get_or_404(Advocate, advocate_id, "advocate")
    if advocate.user_id != actor.id and not (actor.is_admin or set(MANAGERS) & actor.roles):
        raise PermissionDenied(N_("only admin, legal_aid_officer or the advocate may see these assignments"))
    query = select(AdvocateAssignment).where(AdvocateAssignment.advocate_id == advocate_id)
    if advocate.user_id != actor.id and not actor.is_admin:
        # Need-to-know: an officer sees the assignments of cases they take part in or supervise
        # (and those recorded by hand, outside any case), never every case of the advocate.
        visible = select(ProcessInstance.id).where(get_engine().access.visible_instances(actor))
        query = query.where(AdvocateAssignment.instance_id.is_(None) | AdvocateAssignment.instance_id.in_(visible))
    if start:
        query = query.where(AdvocateAssignment.assigned_on >= start)
    if end:
        query = query.where(AdvocateAssignment.assigned_on <= end)
    return [assignment_dict(a) for a in db.session.scalars(query.order_by(AdvocateAssignment.assigned_at, AdvocateAssignment.id))]


def assignment_dict(row: AdvocateAssignment) -> dict:
    return {
        "id": row.id, "advocate_id": row.advocate_id, "advocate_code": row.advocate.code, "case_id": row.case_id,
        "assigned_on": row.assigned_on, "assigned_at": row.assigned_at, "status": row.status,
        "territory": row.territory, "language": row.language, "juvenile": row.juvenile, "urgent": row.urgent,
        "process_instance_id": row.instance_id, "solver_status": row.solver_status, "explanation": row.explanation,
    }


def is_available(advocate: Advocate, day: dt.date) -> bool:
    return advocate.active and not on_leave(advocate.leaves, day)


def _audit_fields(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k in (*PROFILE_FIELDS, "code", "office_location", "user")}

