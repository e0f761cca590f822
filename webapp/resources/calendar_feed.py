"""Private iCalendar feeds: one secret, revocable token per user; the feed lists the approved
duty slots of the prosecutor linked to that user, for Outlook or Google Calendar to subscribe to."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from engine.errors import N_, NotFound, PermissionDenied
from engine.models import User
from engine.services.transaction import atomic
from webapp.extensions import db
from webapp.resources.common import slug
from webapp.resources.models import CalendarToken, DutySlot
from webapp.resources.people import now, record
from webapp.resources.prosecutors import for_user
from webapp.resources.rosters import approved_slots

FEED_HISTORY_DAYS = 90


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _active(session, user_id: int) -> list[CalendarToken]:
    return list(session.scalars(select(CalendarToken).where(
        CalendarToken.user_id == user_id, CalendarToken.revoked_at.is_(None))))


def issue(actor: User) -> str:
    """A new secret for the user's feed; any previous one stops working."""
    if for_user(actor) is None:
        raise PermissionDenied(N_("only a user linked to a prosecutor has a duty calendar"))
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


def feed(token: str) -> str:
    """The feed for a token; NotFound for an unknown or revoked token (nothing else is said)."""
    session = db.session
    row = session.scalar(select(CalendarToken).where(CalendarToken.token_hash == digest(token)))
    user = session.get(User, row.user_id) if row is not None and row.revoked_at is None else None
    prosecutor = for_user(user) if user is not None and user.active else None
    if prosecutor is None:
        raise NotFound(N_("there is no calendar at this address"))
    moment = now()
    slots = approved_slots(prosecutor.id, moment - dt.timedelta(days=FEED_HISTORY_DAYS))
    return render(f"Lieta — dežūras: {prosecutor.full_name}", slots, moment)


# --- RFC 5545 ------------------------------------------------------------------------------------

def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > limit:
            parts.append(current.decode())
            current, limit = b"", 74
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def uid(slot: DutySlot) -> str:
    """Stable across roster versions: the same duty keeps its UID, so a calendar updates it."""
    return f"duty-{slot.date:%Y%m%d}-{slug(slot.region)}-{slug(slot.shift)}-p{slot.prosecutor_id}@lieta"


def render(name: str, slots: list[DutySlot], moment: dt.datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Lieta//Duty roster//LV", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", f"X-WR-CALNAME:{_text(name)}", "X-PUBLISHED-TTL:PT1H",
    ]
    for slot in slots:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(slot)}",
            f"DTSTAMP:{_stamp(moment)}",
            f"DTSTART:{_stamp(slot.starts_at)}",
            f"DTEND:{_stamp(slot.ends_at)}",
            f"SUMMARY:{_text(f'Dežūrprokurors: {slot.region} ({slot.shift})')}",
            f"DESCRIPTION:{_text(f'Roster {slot.roster.month} v{slot.roster.version}, region {slot.region}, shift {slot.shift}')}",
            f"LOCATION:{_text(slot.region)}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
