"""Scheduled hearings: a court clerk or judge who takes part in a case records its hearing (the
slot picked from the hearing proposals, or set by hand); everyone who may read the case sees it
in their calendar. Need-to-know is the case's own: a hearing of a case the reader takes no part
in is never listed, and scheduling one for such a case is 404, as the case itself is."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from engine import audit
from engine.errors import N_, InvalidInput, Phrase, field_error
from engine.models import ProcessInstance, User
from engine.services.transaction import atomic
from webapp.engine_ext import get_engine
from webapp.extensions import db
from webapp.resources.common import require_role, territory_name
from webapp.resources.hearings import ROLES
from webapp.resources.models import Hearing
from webapp.resources.people import now

MAX_LENGTH = dt.timedelta(hours=12)
EARLIEST, LATEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(3000, 1, 1, tzinfo=dt.UTC)


def schedule(actor: User, fields: dict) -> Hearing:
    """Record a hearing; 403 without a court role, 404 for a case the actor takes no part in,
    422 naming the field for an unknown court or times out of order."""
    require_role(actor, *ROLES, action=N_("schedule hearings"))
    engine = get_engine()
    instance = engine.instances.get(actor, fields["instance_id"])
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not EARLIEST <= value < LATEST:
            raise InvalidInput(N_("a hearing must fall in the years 2000-2999"),
                               [field_error(f"/{name}", N_("outside the years 2000-2999"))])
    if not starts_at < ends_at <= starts_at + MAX_LENGTH:
        raise InvalidInput(N_("a hearing ends after it starts and lasts at most 12 hours"),
                           [field_error("/ends_at", N_("not after starts_at, or more than 12 hours later"))])
    court = territory_name(fields["court"], "court")
    starts_at, ends_at = starts_at.astimezone(dt.UTC), ends_at.astimezone(dt.UTC)  # the API speaks UTC
    session = db.session
    row = Hearing(instance_id=instance.id, title=fields["title"].strip(), court=court, room=fields["room"].strip(),
                  starts_at=starts_at, ends_at=ends_at, created_at=now(), created_by=actor.username)
    with atomic(session, Phrase(N_("the hearing could not be scheduled")), instance_id=instance.id):
        session.add(row)
        session.flush()
        # A change of the case: it belongs in the case's own history.
        audit.record(session, row.created_at, actor.username, "hearing_scheduled", instance_id=instance.id,
                     data={"hearing_id": row.id, "title": row.title, "court": court, "room": row.room,
                           "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()})
    return row


def visible(actor: User, start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[Hearing]:
    """The hearings of the cases the actor may read, overlapping [start, end), by start time."""
    query = (select(Hearing).join(ProcessInstance, ProcessInstance.id == Hearing.instance_id)
             .where(get_engine().access.visible_instances(actor)).order_by(Hearing.starts_at, Hearing.id))
    if start is not None:
        query = query.where(Hearing.ends_at > start)
    if end is not None:
        query = query.where(Hearing.starts_at < end)
    return list(db.session.scalars(query.limit(1000)))


def to_dict(row: Hearing) -> dict:
    return {"id": row.id, "instance_id": row.instance_id, "title": row.title, "court": row.court, "room": row.room,
            "starts_at": row.starts_at, "ends_at": row.ends_at, "created_by": row.created_by}
