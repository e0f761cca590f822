"""My calendar and the private iCalendar feeds: a duty prosecutor's approved duties, an advocate's
duties and assignments, task due dates on the page; feeds written by the icalendar library and
read back by it, with the Europe/Riga VTIMEZONE and UIDs that stay the same from fetch to fetch;
a revoked or unknown token is 404."""

from __future__ import annotations

import datetime as dt
import uuid

import icalendar
import pytest

from tests.webapp.pages_support import csrf_of, sign_in
from webapp.resources.common import riga_moment
from webapp.resources.models import (
    Advocate,
    AdvocateAssignment,
    AdvocateDutySlot,
    AdvocateRoster,
    DutySlot,
    Prosecutor,
    Roster,
    RosterStatus,
)

DAY = dt.date(2027, 1, 6)  # two days after the test clock's start (2027-01-04)


def _roster(model, status: str, moment, **extra):
    return model(month="2027-01", version=1 if status == RosterStatus.APPROVED else 2, status=status, created_at=moment,
                 created_by="admin", solver_status="optimal", settings={}, unfilled=[], **extra)


@pytest.fixture
def duties(api, clock):
    """`duty` (duty_prosecutor) with an approved day duty on DAY and a draft night duty; `lawyer`
    (advocate) with an approved 24-hour duty on DAY + 1 and one assignment on DAY."""
    api.create_users({"duty": ["duty_prosecutor"], "lawyer": ["advocate"]})
    with api.app.app_context():
        from webapp.extensions import db

        session = db.session
        moment = clock.now()
        users = {u.username: u.id for u in api.engine().users.list()}
        prosecutor = Prosecutor(code="pro-1", full_name="Anna Duty", user_id=users["duty"], regions=["riga"],
                                created_at=moment, updated_at=moment)
        advocate = Advocate(code="adv-1", full_name="Juris Lawyer", user_id=users["lawyer"], territories=["riga"],
                            languages=["lv"], created_at=moment, updated_at=moment)
        session.add_all([prosecutor, advocate])
        session.flush()
        approved = _roster(Roster, RosterStatus.APPROVED, moment)
        approved.slots.append(DutySlot(date=DAY, region="riga", shift="day", starts_at=riga_moment(DAY, "08:00"),
                                       ends_at=riga_moment(DAY, "20:00"), prosecutor_id=prosecutor.id))
        draft = _roster(Roster, RosterStatus.DRAFT, moment)
        draft.slots.append(DutySlot(date=DAY, region="riga", shift="night", starts_at=riga_moment(DAY, "20:00"),
                                    ends_at=riga_moment(DAY + dt.timedelta(days=1), "08:00"), prosecutor_id=prosecutor.id))
        advocates = _roster(AdvocateRoster, RosterStatus.APPROVED, moment)
        next_day = DAY + dt.timedelta(days=1)
        advocates.slots.append(AdvocateDutySlot(date=next_day, region="riga", shift="duty",
                                                starts_at=riga_moment(next_day, "08:00"),
                                                ends_at=riga_moment(next_day + dt.timedelta(days=1), "08:00"),
                                                advocate_id=advocate.id))
        session.add_all([approved, draft, advocates, AdvocateAssignment(
            id=str(uuid.uuid4()), advocate_id=advocate.id, case_id="11-2027-RIGA", assigned_on=DAY, assigned_at=moment,
            territory="riga", language="lv", solver_status="optimal", explanation=[])])
        session.commit()
    return api


def signed_in(app, username):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, username)
    return client


def feed_link(api, username) -> str:
    response = api.post("/api/v1/calendar-token", as_user=username)
    assert response.status_code == 201, response.json
    return response.json["url"].split("localhost", 1)[1]


def parsed(api, path) -> icalendar.Calendar:
    response = api.client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def test_a_duty_prosecutors_feed_parses_with_riga_time_and_approved_duties_only(duties):
    path = feed_link(duties, "duty")
    calendar = parsed(duties, path)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Riga"
    [event] = calendar.events
    assert event.start == dt.datetime(2027, 1, 6, 8, 0, tzinfo=event.start.tzinfo)
    assert str(event.start.tzinfo) == "Europe/Riga" and event["DTSTART"].params["TZID"] == "Europe/Riga"
    assert event.end - event.start == dt.timedelta(hours=12)
    assert event["SUMMARY"] == "Dežūrprokurors: Rīga (day)"
    assert event["UID"] == f"duty-20270106-riga-day-p{1}@lieta"


def test_uids_are_stable_across_fetches_and_a_revoked_token_is_404(duties, clock):
    path = feed_link(duties, "lawyer")
    first = parsed(duties, path)
    clock.advance(dt.timedelta(hours=3))
    second = parsed(duties, path)
    uids = [str(event["UID"]) for event in first.events]
    assert uids == [str(event["UID"]) for event in second.events] and len(set(uids)) == 2
    assert first["UID"] == second["UID"]
    assert {event["SUMMARY"] for event in second.events} == {"Advokāta dežūra: Rīga", "Aizstāvība: 11-2027-RIGA"}
    assignment = next(e for e in second.events if str(e["UID"]).startswith("assignment-"))
    assert assignment.start == DAY  # an all-day entry
    assert first.events[0]["DTSTAMP"].dt < second.events[0]["DTSTAMP"].dt  # stamped when fetched
    assert duties.client.open("/api/v1/calendar-token", method="DELETE",
                              headers=duties.headers("lawyer")).status_code == 204
    assert duties.client.get(path).status_code == 404
    assert duties.client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_new_link_revokes_the_old_one(duties):
    old = feed_link(duties, "duty")
    new = feed_link(duties, "duty")
    assert duties.client.get(old).status_code == 404 and duties.client.get(new).status_code == 200


def test_a_deactivated_user_s_feed_is_404(duties):
    path = feed_link(duties, "duty")
    assert duties.client.patch("/api/v1/users/duty", json={"active": False},
                               headers=duties.headers("admin")).status_code == 200
    assert duties.client.get(path).status_code == 404


def test_the_calendar_page_makes_and_revokes_the_link(duties, app):
    client = signed_in(app, "duty")
    page = client.get("/my-calendar")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Make a calendar link" in text and "Revoke the calendar link" not in text
    made = client.post("/my-calendar/feed", data={"csrf_token": csrf_of(page)})
    text = made.get_data(as_text=True)
    assert made.status_code == 200 and 'id="feed-url"' in text and "Revoke the calendar link" in text
    url = text.split('id="feed-url" class="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    path = url.split("localhost", 1)[1]
    assert len(parsed(duties, path).events) == 1
    revoked = client.post("/my-calendar/feed/revoke", data={"csrf_token": csrf_of(page)}, follow_redirects=True)
    assert "The calendar link was revoked" in revoked.get_data(as_text=True)
    assert duties.client.get(path).status_code == 404
    assert client.post("/my-calendar/feed", data={}).status_code == 400  # no CSRF token


def test_someone_without_duties_has_a_calendar_but_no_link(duties, app):
    client = signed_in(app, "clerk")
    page = client.get("/my-calendar")
    assert page.status_code == 200 and "Make a calendar link" not in page.get_data(as_text=True)
    assert client.post("/my-calendar/feed", data={"csrf_token": csrf_of(page)}).status_code == 403
    assert duties.post("/api/v1/calendar-token", as_user="clerk").status_code == 403


def test_events_endpoint_lists_the_persons_entries_in_the_window(duties, app):
    client = signed_in(app, "duty")
    events = client.get("/my-calendar/events?start=2027-01-01T00:00:00%2B02:00&end=2027-02-01T00:00:00%2B02:00").json
    assert [(e["title"], e["start"], e["end"], e["allDay"]) for e in events] == [
        ("Dežūrprokurors: Rīga (day)", "2027-01-06T08:00:00+02:00", "2027-01-06T20:00:00+02:00", False)]
    assert client.get("/my-calendar/events?start=2027-02-01&end=2027-03-01").json == []
    lawyer = signed_in(app, "lawyer").get("/my-calendar/events?start=2027-01-01&end=2027-02-01").json
    assert sorted((e["extendedProps"]["kind"], e["start"]) for e in lawyer) == [
        ("advocate_duty", "2027-01-07T08:00:00+02:00"), ("assignment", "2027-01-06")]


@pytest.mark.parametrize("query", ["", "?start=2027-01-01", "?start=yesterday&end=2027-01-02",
                                   "?start=2027-02-01&end=2027-01-01", "?start=2027-01-01&end=2027-12-01"])
def test_events_endpoint_refuses_bad_windows_with_400(duties, app, query):
    response = signed_in(app, "duty").get(f"/my-calendar/events{query}")
    assert response.status_code == 400 and "start and end" in response.json["message"]


def test_the_calendar_needs_a_sign_in(app, api):
    for path in ("/my-calendar", "/my-calendar/events?start=2027-01-01&end=2027-02-01"):
        response = app.test_client().get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_task_due_dates_show_for_those_offered_the_task(api, app):
    from tests.support.bpmn_builder import ProcessBuilder

    p = ProcessBuilder("with_deadline")
    p.start()
    p.user_task("answer", "Answer the complaint", lane="Clerk")
    p.boundary_timer("late", "answer", '"PT97H"')  # the task's due_at: 2027-01-04 09:00 UTC + 97 h
    p.end()
    p.end("too_late")
    p.chain("start", "answer", "end")
    p.flow("late", "too_late")
    assert api.deploy({"d.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("with_deadline", as_user="clerk", business_key="K-7").json["id"]
    [task] = api.ready_tasks(instance_id, as_user="clerk")
    task_id = task["id"]
    window = "?start=2027-01-01&end=2027-02-01"
    [event] = signed_in(app, "clerk").get(f"/my-calendar/events{window}").json
    assert event["title"] == "Answer the complaint (K-7)" and event["url"] == f"/tasks/{task_id}"
    assert event["start"] == "2027-01-08T12:00:00+02:00" and task["due_at"] == "2027-01-08T10:00:00+00:00"
    assert signed_in(app, "outsider").get(f"/my-calendar/events{window}").json == []
