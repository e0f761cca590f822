"""My calendar: the signed-in person's duty slots, legal-aid assignments and task due dates in
FullCalendar (vendored, drawing from a JSON events endpoint), and their private iCalendar feed
(create a new secret link, which revokes the old one, or revoke it)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp.engine_ext import get_engine
from webapp.pages.formatting import ZONE
from webapp.pages.signin import signed_in_user, staff_page
from webapp.resources import calendar_feed
from webapp.resources.my_calendar import duty_entries, has_duties, hearing_entries, task_entries

MAX_WINDOW = dt.timedelta(days=100)  # a month view asks for 6 weeks, a list view less


def _moment(text: str | None) -> dt.datetime | None:
    """A bound FullCalendar sends: an ISO date or date-time; a bare one is Riga time."""
    try:
        value = dt.datetime.fromisoformat((text or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=ZONE)


@staff_page
def calendar_page(new_url: str | None = None):
    actor = signed_in_user()
    today = get_engine().clock.now().astimezone(ZONE).date()  # the server's clock decides what today is
    return render_template("pages/calendar.html", may_feed=has_duties(actor), has_feed=calendar_feed.has_feed(actor),
                           new_url=new_url, today=today.isoformat())


@staff_page
def events():
    start, end = _moment(request.args.get("start")), _moment(request.args.get("end"))
    if start is None or end is None or end <= start or end - start > MAX_WINDOW:
        message = _("start and end must be ISO dates, start before end, at most 100 days apart")
        return jsonify({"message": message, "errors": None}), 400
    actor = signed_in_user()
    entries = (
        duty_entries(actor, start, end)
        + hearing_entries(actor, start, end, lambda instance_id: url_for("pages.case", instance_id=instance_id))
        + task_entries(actor, start, end, lambda task_id: url_for("pages.task", task_id=task_id))
    )
    return jsonify([_event(entry) for entry in entries])


def _event(entry) -> dict:
    all_day = not isinstance(entry.start, dt.datetime)
    # FullCalendar 7 reads `className`, a string (6.x took a `classNames` list).
    out = {"id": entry.uid, "title": entry.title, "allDay": all_day, "className": f"cal-{entry.kind}",
           "extendedProps": {"kind": entry.kind, "location": entry.location}}
    out["start"] = entry.start.isoformat() if all_day else entry.start.astimezone(ZONE).isoformat()
    if entry.end is not None:
        out["end"] = entry.end.isoformat() if all_day else entry.end.astimezone(ZONE).isoformat()
    if entry.url:
        out["url"] = entry.url
    return out


@staff_page
def create_feed():
    token = calendar_feed.issue(signed_in_user())  # 403 page for a person with no duties
    flash(_("A new calendar link was made; any earlier link stopped working."), "success")
    return calendar_page(new_url=url_for("calendar_feed.feed", token=token, _external=True))


@staff_page
def revoke_feed():
    calendar_feed.revoke(signed_in_user())
    flash(_("The calendar link was revoked: calendars subscribed to it get nothing more."), "success")
    return redirect(url_for("pages.calendar"))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/my-calendar", "calendar", calendar_page)
    bp.add_url_rule("/my-calendar/events", "calendar_events", events)
    bp.add_url_rule("/my-calendar/feed", "calendar_feed_create", create_feed, methods=["POST"])
    bp.add_url_rule("/my-calendar/feed/revoke", "calendar_feed_revoke", revoke_feed, methods=["POST"])
