"""Private iCalendar feeds: one secret, revocable token per user; the feed lists the approved duty
slots of the prosecutor linked to that user and, for an advocate, their approved advocates' duty
slots and their legal-aid assignments, for Outlook or Google Calendar to subscribe to.

Written with the `icalendar` library (escaping, line folding and the Europe/Riga VTIMEZONE are its
work, not ours); times are local Riga times with their TZID, so a calendar shows a duty at 08:00
whatever zone it runs in, across the change to and from summer time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import icalendar
from sqlalchemy import select

from engine.errors import N_, NotFound, PermissionDenied
from engine.models import User
from engine.services.transaction import atomic
from webapp.extensions import db
from webapp.resources.common import RIGA
from webapp.resources.models import CalendarToken
from webapp.resources.my_calendar import Entry, duty_entries, has_duties
from webapp.resources.people import now, record

FEED_HISTORY_DAYS = 90
# The VTIMEZONE covers these years: every entry a feed can hold falls between them.
ZONE_FIRST, ZONE_YEARS = dt.date(2020, 1, 1), 30


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _active(session, user_id: int) -> list[CalendarToken]:
    return list(session.scalars(select(CalendarToken).where(
        CalendarToken.user_id == user_id, CalendarToken.revoked_at.is_(None))))


def has_feed(actor: User) -> bool:
    return bool(_active(db.session, actor.id))


def issue(actor: User) -> str:
    """A new secret for the user's feed; any previous one stops working."""
    if not has_duties(actor):
        raise PermissionDenied(N_("only a user linked to a prosecutor or an advocate has a duty calendar"))
    session = db.session
    token = secrets.token_urlsafe(32)
    moment = now()
    with atomic(session, N_("the calendar link could not be created")):
        revoked = _active(session, actor.id)
        for row in revoked:
            row.revoked_at = moment
        session.add(CalendarToken(user_id=actor.id, token_hash=digest(token), created_at=moment))
        record(actor.username, "calendar_token_issued", user_id=actor.id, revoked_previous=len(revoked))
    return token


def revoke(actor: User) -> int:
    session = db.session
    moment = now()
    with atomic(session, N_("the calendar link could not be revoked")):
        rows = _active(session, actor.id)
        if not rows:
            raise NotFound(N_("you have no calendar link to revoke"))
        for row in rows:
            row.revoked_at = moment
        record(actor.username, "calendar_token_revoked", user_id=actor.id, revoked=len(rows))
    return len(rows)


def feed(token: str) -> bytes:
    """The feed for a token; NotFound for an unknown or revoked token (nothing else is said)."""
    session = db.session
    row = session.scalar(select(CalendarToken).where(CalendarToken.token_hash == digest(token)))
    user = session.get(User, row.user_id) if row is not None and row.revoked_at is None else None
    if user is None or not user.active or not has_duties(user):
        raise NotFound(N_("there is no calendar at this address"))
    moment = now()
    entries = duty_entries(user, moment - dt.timedelta(days=FEED_HISTORY_DAYS), None)
    return render(f"Lieta — dežūras: {user.full_name or user.username}", f"feed-{user.id}@lieta", entries, moment)


def _local(value: dt.datetime | dt.date) -> dt.datetime | dt.date:
    return value.astimezone(RIGA) if isinstance(value, dt.datetime) else value


def render(name: str, calendar_uid: str, entries: list[Entry], moment: dt.datetime) -> bytes:
    calendar = icalendar.Calendar.new(
        name=name, prodid="-//Lieta//Duty calendar//LV", uid=calendar_uid, method="PUBLISH", calscale="GREGORIAN",
        refresh_interval=dt.timedelta(hours=1),
    )
    calendar.add("X-PUBLISHED-TTL", dt.timedelta(hours=1))
    # Always present, even in an empty feed, and before the events that name it.
    calendar.add_component(icalendar.Timezone.from_tzid(
        "Europe/Riga", first_date=ZONE_FIRST, last_date=ZONE_FIRST.replace(year=ZONE_FIRST.year + ZONE_YEARS)))
    for entry in entries:
        event = icalendar.Event.new(
            uid=entry.uid, stamp=moment.astimezone(dt.UTC), start=_local(entry.start),
            end=_local(entry.end) if entry.end is not None else None, summary=entry.title,
            description=entry.description or None, location=entry.location or None,
            transparency="OPAQUE",
        )
        calendar.add_component(event)
    return calendar.to_ical()
