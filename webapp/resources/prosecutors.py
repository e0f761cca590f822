"""Prosecutors who take duty shifts: the regions they cover and their leave."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine.errors import N_, Conflict, Phrase
from engine.models import User
from engine.services.transaction import atomic
from webapp.extensions import db
from webapp.resources import people
from webapp.resources.common import require_role, territory_name
from webapp.resources.models import Prosecutor, ProsecutorLeave
from webapp.resources.people import get_or_404, leave_dict, now, record, user_id_for, username_of

READERS = ("prosecutor", "duty_prosecutor")


def _normalised(fields: dict) -> dict:
    out = dict(fields)
    if "regions" in out:
        out["regions"] = sorted({territory_name(r, "regions") for r in out["regions"]})
    return out


def to_dict(prosecutor: Prosecutor) -> dict:
    return {
        "id": prosecutor.id, "code": prosecutor.code, "full_name": prosecutor.full_name,
        "user": username_of(prosecutor.user_id), "regions": list(prosecutor.regions), "active": prosecutor.active,
        "leaves": [leave_dict(leave) for leave in prosecutor.leaves],
    }


def for_user(user: User) -> Prosecutor | None:
    return db.session.scalar(select(Prosecutor).where(Prosecutor.user_id == user.id).order_by(Prosecutor.id).limit(1))


def list_prosecutors(actor: User, region: str | None = None, active: bool | None = None) -> list[dict]:
    require_role(actor, *READERS, action=N_("see the prosecutors"))
    query = select(Prosecutor).order_by(Prosecutor.code)
    if active is not None:
        query = query.where(Prosecutor.active == active)
    rows = list(db.session.scalars(query))
    if region:
        name = territory_name(region, "region")
        rows = [p for p in rows if name in p.regions]
    return [to_dict(p) for p in rows]


def get_prosecutor(actor: User, prosecutor_id: int) -> dict:
    prosecutor = get_or_404(Prosecutor, prosecutor_id, "prosecutor")
    if prosecutor.user_id != actor.id:
        require_role(actor, *READERS, action=N_("see the prosecutors"))
    return to_dict(prosecutor)


def create_prosecutor(actor: User, fields: dict) -> dict:
    require_role(actor, action=N_("add prosecutors"))
    session = db.session
    fields = _normalised(fields)
    if session.scalar(select(Prosecutor.id).where(Prosecutor.code == fields["code"])) is not None:
        raise Conflict(N_("a prosecutor with code %(code)r already exists"), params={"code": fields["code"]})
    moment = now()
    prosecutor = Prosecutor(
        code=fields["code"], full_name=fields["full_name"], user_id=user_id_for(fields.get("user"), "prosecutor"),
        regions=fields["regions"], active=fields.get("active", True), created_at=moment, updated_at=moment,
    )
    with atomic(session, Phrase(N_("prosecutor %(code)r could not be added"), code=fields["code"])):
        session.add(prosecutor)
        session.flush()
        record(actor.username, "prosecutor_created", prosecutor_id=prosecutor.id, **fields)
    return to_dict(prosecutor)


def update_prosecutor(actor: User, prosecutor_id: int, fields: dict) -> dict:
    require_role(actor, action=N_("change prosecutors"))
    session = db.session
    prosecutor = get_or_404(Prosecutor, prosecutor_id, "prosecutor")
    fields = _normalised(fields)
    with atomic(session, Phrase(N_("prosecutor %(id)s could not be changed"), id=prosecutor_id)):
        for name in ("full_name", "regions", "active"):
            if name in fields:
                setattr(prosecutor, name, fields[name])
        if "user" in fields:
            old_user = username_of(prosecutor.user_id)
            prosecutor.user_id = user_id_for(fields["user"], "prosecutor")
            if old_user != (fields["user"] or None):
                record(actor.username, "prosecutor_user_linked", prosecutor_id=prosecutor.id, old=old_user, new=fields["user"] or None)
        prosecutor.updated_at = now()
        record(actor.username, "prosecutor_updated", prosecutor_id=prosecutor.id, **fields)
    return to_dict(prosecutor)


def add_leave(actor: User, prosecutor_id: int, start: dt.date, end: dt.date, reason: str = "") -> dict:
    require_role(actor, action=N_("record prosecutors' leave"))
    prosecutor = get_or_404(Prosecutor, prosecutor_id, "prosecutor")
    return people.add_leave(actor.username, prosecutor, ProsecutorLeave, "prosecutor", start, end, reason)


def delete_leave(actor: User, prosecutor_id: int, leave_id: int) -> None:
    require_role(actor, action=N_("record prosecutors' leave"))
    people.delete_leave(actor.username, ProsecutorLeave, "prosecutor", prosecutor_id, leave_id)
