"""What advocates and prosecutors have in common: user links, leave entries, audit."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine import audit
from engine.errors import N_, InvalidInput, NotFound, Phrase, field_error
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


# The kinds of record named in messages, marked so the catalogues translate them.
KIND_NAMES = (N_("advocate"), N_("prosecutor"))


def user_id_for(username: str | None, kind: str) -> int | None:
    """The id of the user to link to a `kind` record (None unlinks); 422 when there is no such
    user or the user does not hold one of the kind's roles (an admin is no exception)."""
    if not username:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise InvalidInput(N_("user: no user named %(user)r"), [field_error("/user", N_("no such user"))], params={"user": username})
    allowed = LINK_ROLES[kind]
    if not set(allowed) & user.roles:
        needed = " or ".join(allowed)
        raise InvalidInput(
            N_("user %(user)r cannot be linked to a %(kind)s record: they do not hold the role %(needed)s"),
            [field_error("/user", N_("needs the role %(needed)s"), needed=needed)],
            params={"user": username, "kind": Phrase(kind), "needed": needed},
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
            N_("the leave must end on or after its first day"),
            [field_error("/end_date", N_("before start_date"))],
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
    with atomic(session, N_("the leave could not be recorded")):
        session.add(leave)
        session.flush()
        record(actor, f"{kind}_leave_added", **{f"{kind}_id": owner.id}, leave_id=leave.id,
               start_date=start, end_date=end, reason=reason)
    return leave_dict(leave)


def delete_leave(actor: str, leave_model, kind: str, owner_id: int, leave_id: int) -> None:
    session = db.session
    leave = session.get(leave_model, leave_id)
    if leave is None or getattr(leave, f"{kind}_id") != owner_id:
        raise NotFound(N_("%(kind)s %(owner)s has no leave entry %(leave)s"),
                       params={"kind": Phrase(kind), "owner": owner_id, "leave": leave_id})
    with atomic(session, N_("the leave could not be removed")):
        session.delete(leave)
        record(actor, f"{kind}_leave_removed", **{f"{kind}_id": owner_id}, leave_id=leave_id,
               start_date=leave.start_date, end_date=leave.end_date)


def get_or_404(model, row_id: int, what: str):
    row = db.session.get(model, row_id, populate_existing=True)
    if row is None:
        raise NotFound(N_("%(what)s %(id)s does not exist"), params={"what": Phrase(what), "id": row_id})
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
