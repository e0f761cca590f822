"""The admin's incident page and the duty prosecutor's calendar in Chromium: an admin retries a
failing service task's incident from the page and bulk-skips two others; a duty prosecutor sees
an approved duty in FullCalendar and the private feed made on the page parses."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import icalendar

from tests.browser.flows import sign_in
from tests.webapp.test_incidents import Registry, registry_process
from webapp.resources.common import riga_moment
from webapp.resources.models import DutySlot, Prosecutor, Roster, RosterStatus

DAY = dt.date(2027, 1, 6)  # in the month of the test clock (2027-01-04)


def failing_cases(live, count: int) -> tuple[Registry, list[str]]:
    handler = Registry()
    live.api.engine().operations.register("lookup_person", handler, max_attempts=1, backoff=timedelta(seconds=30))
    assert live.api.deploy({"r.bpmn": registry_process()}).status_code == 201
    ids = [live.api.start("checks_registry", data={"personal_code": str(n)}).json["id"] for n in range(count)]
    incidents = {i["instance_id"]: i["id"] for i in live.api.get("/api/v1/incidents").json}
    return handler, [incidents[instance_id] for instance_id in ids]


def test_an_admin_retries_one_incident_and_bulk_skips_two(pages, live):
    handler, incidents = failing_cases(live, 3)
    page = pages()
    sign_in(page, "admin")
    page.click_and_load(page.page.locator("header nav a[href='/admin/incidents']"))
    assert page.page.locator("table.incidents tbody tr").count() == 3
    page.check("admin-incidents")
    handler.down = False  # the registry is back: a retry now succeeds
    first = page.page.locator(f"#incident-{incidents[0]}")
    page.click_and_load(first.locator("button[formaction$='/retry']"))
    assert page.page.locator(".flash-success").count() == 1
    assert page.page.locator("table.incidents tbody tr").count() == 2
    page.check("admin-incidents-retried")
    for incident_id in incidents[1:]:
        page.page.locator(f"#sel-{incident_id}").check()
    page.click_and_load(page.page.locator("#bulk-skip"))
    assert page.page.locator("table.incidents").count() == 0
    page.check("admin-incidents-skipped")
    resolved = {i["id"]: i["resolution"] for i in live.api.get("/api/v1/incidents?status=resolved").json}
    assert resolved == {incidents[0]: "retried", incidents[1]: "skipped", incidents[2]: "skipped"}
    assert handler.calls[-1] == {"personal_code": "0"}  # the retry really ran the service task again


def test_the_other_admin_pages_pass_the_checks(pages, live):
    page = pages()
    sign_in(page, "admin")
    for path, name in (("/admin/users", "admin-users"), ("/admin/users/clerk", "admin-user"),
                       ("/admin/roles", "admin-roles"), ("/admin/audit?kind=change", "admin-audit")):
        assert page.goto(path).status == 200
        page.check(name)


def seed_duty(live) -> None:
    live.api.create_users({"duty": ["duty_prosecutor"]})
    with live.api.app.app_context():
        from webapp.extensions import db

        moment = live.api.engine().clock.now()
        user_id = next(u.id for u in live.api.engine().users.list() if u.username == "duty")
        prosecutor = Prosecutor(code="pro-1", full_name="Anna Duty", user_id=user_id, regions=["riga"],
                                created_at=moment, updated_at=moment)
        db.session.add(prosecutor)
        db.session.flush()
        roster = Roster(month="2027-01", version=1, status=RosterStatus.APPROVED, created_at=moment, created_by="admin",
                        solver_status="optimal", settings={}, unfilled=[])
        roster.slots.append(DutySlot(date=DAY, region="riga", shift="day", starts_at=riga_moment(DAY, "08:00"),
                                     ends_at=riga_moment(DAY, "20:00"), prosecutor_id=prosecutor.id))
        db.session.add(roster)
        db.session.commit()


def test_a_duty_prosecutor_sees_the_approved_duty_and_the_feed_parses(pages, live):
    seed_duty(live)
    page = pages()
    sign_in(page, "duty")
    page.click_and_load(page.page.locator("header nav a[href='/my-calendar']"))
    page.wait_until("document.getElementById('calendar').dataset.ready === 'true'")
    event = page.page.locator("#calendar .cal-duty")
    event.first.wait_for()
    assert "Dežūrprokurors: Rīga (day)" in event.first.inner_text()
    page.check("my-calendar")
    page.click_and_load(page.page.locator("form[action='/my-calendar/feed'] button"))
    url = page.page.locator("#feed-url").input_value()
    page.wait_until("document.getElementById('calendar').dataset.ready === 'true'")
    page.check("my-calendar-link")
    response = page.page.request.get(url)
    assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())
    [duty] = calendar.events
    assert duty.start == riga_moment(DAY, "08:00") and str(duty.start.tzinfo) == "Europe/Riga"
    page.click_and_load(page.page.locator("form[action='/my-calendar/feed/revoke'] button"))
    assert page.page.request.get(url).status == 404
