"""What advocates and prosecutors have in common: user links, leave entries, audit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine import audit
from engine.errors import InvalidInput, NotFound
from engine.models import User
from engine.services.transaction import atomic
from webapp.engine_ext import get_engine
from webapp.extensions import db


def now() -> dt.datetime:
    return get_engine().clock.now()


# Whom an advocate or prosecutor record may be linked to: the link lets the user act as that
# person (accept an appointment, take a duty), so the user must hold the matching role.
LINK_ROLES = {
    "advocate": ("advocate",),
    "prosecutor": ("prosecutor", "duty_prosecutor", "chief_prosecutor"),
}


def user_id_for(username: str | None, kind: str) -> int | None:
    """The id of the user to link to a `kind` record (None unlinks); 422 when there is no such
    user or the user does not hold one of the kind's roles (an admin is no exception)."""
    if not username:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InvalidInput(f"user: no user named {username!r}", [{"field": "/user", "message": "no such user"}])
    allowed = LINK_ROLES[kind]
    if not set(allowed) & user.roles:
        needed = " or ".join(allowed)
        raise InvalidInput(
            f"user {username!r} cannot be linked to a {kind} record: they do not hold the role {needed}",
            [{"field": "/user", "message": f"needs the role {needed}"}],
        )
    return user.id


def username_of(user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    return user.username if user else None


def check_leave(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise InvalidInput(
            "the leave must end on or after its first day",
            [{"field": "/end_date", "message": "before start_date"}],
        )


def on_leave(leaves, day: dt.date) -> bool:
    return any(leave.start_date <= day <= leave.end_date for leave in leaves)


def leave_dict(leave) -> dict:
    return {"id": leave.id, "start_date": leave.start_date, "end_date": leave.end_date, "reason": leave.reason}


def add_leave(actor: str, owner, leave_model, kind: str, start: dt.date, end: dt.date, reason: str) -> dict:
    """A leave entry of an advocate or a prosecutor (`kind`), audited as `<kind>_leave_added`."""
    check_leave(start, end)
    session = db.session
    leave = leave_model(**{kind: owner}, start_date=start, end_date=end, reason=reason)
    with atomic(session, "the leave could not be recorded"):
        session.add(leave)
        session.flush()
        record(actor, f"{kind}_leave_added", **{f"{kind}_id": owner.id}, leave_id=leave.id,
               start_date=start, end_date=end, reason=reason)
    return leave_dict(leave)


def delete_leave(actor: str, leave_model, kind: str, owner_id: int, leave_id: int) -> None:
    session = db.session
    leave = session.get(leave_model, leave_id)
    if leave is None or getattr(leave, f"{kind}_id") != owner_id:
        raise NotFound(f"{kind} {owner_id} has no leave entry {leave_id}")
    with atomic(session, "the leave could not be removed"):
        session.delete(leave)
        record(actor, f"{kind}_leave_removed", **{f"{kind}_id": owner_id}, leave_id=leave_id,
               start_date=leave.start_date, end_date=leave.end_date)


def get_or_404(model, row_id: int, what: str):
    row = db.session.get(model, row_id, populate_existing=True)
    if row is None:
        raise NotFound(f"{what} {row_id} does not exist")
    return row


def record(actor: str, event: str, **data) -> None:
    audit.record(db.session, now(), actor, event, data=_plain(data))


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
