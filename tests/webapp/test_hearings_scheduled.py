"""Scheduled hearings: a court clerk who takes part in a case records its hearing; everyone who
may read the case sees it in the API and in their calendar, nobody else does; bad input is 422,
no court role 403, a case the clerk takes no part in 404. Migration 0020 makes the table."""

from __future__ import annotations

import pytest

from tests.support.bpmn_builder import ProcessBuilder
from tests.webapp.pages_support import sign_in

HEARING = {"title": "Pirmā sēde", "court": "riga", "room": "214", "starts_at": "2027-01-12T10:00:00+02:00",
           "ends_at": "2027-01-12T12:00:00+02:00"}


@pytest.fixture
def court_case(api):
    """A case started by the clerk whose next task is offered to the court clerk `cc`."""
    api.create_users({"cc": ["court_clerk"], "cc2": ["court_clerk"]})
    p = ProcessBuilder("court_case")
    p.start()
    p.user_task("register", "Register", lane="Clerk")
    p.user_task("schedule", "Schedule the hearing", lane="Court clerk")
    p.end()
    p.chain("start", "register", "schedule", "end")
    assert api.deploy({"c.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("court_case", as_user="clerk").json["id"]
    [task] = api.ready_tasks(instance_id, as_user="clerk")
    assert api.complete(task["id"], as_user="clerk").status_code == 200
    return instance_id


def test_a_hearing_is_seen_by_the_case_s_people_only(api, app, court_case):
    response = api.post("/api/v1/hearings", as_user="cc", json={"instance_id": court_case, **HEARING})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["court"] == "riga" and body["starts_at"] == "2027-01-12T08:00:00+00:00" and body["created_by"] == "cc"
    for user in ("cc", "clerk", "admin", "cc2"):  # cc2 is offered the court clerk's task too
        assert [h["id"] for h in api.get("/api/v1/hearings", as_user=user).json] == [body["id"]], user
    assert api.get("/api/v1/hearings", as_user="outsider").json == []
    assert api.get("/api/v1/hearings?from=2027-01-13", as_user="clerk").json == []
    assert len(api.get("/api/v1/hearings?from=2027-01-12&to=2027-01-12", as_user="clerk").json) == 1
    history = api.get(f"/api/v1/process-instances/{court_case}/history").json
    assert [h["data"]["title"] for h in history if h["event"] == "hearing_scheduled"] == ["Pirmā sēde"]
    client = app.test_client()
    sign_in(client, "clerk")
    [event] = client.get("/my-calendar/events?start=2027-01-01&end=2027-02-01").json
    assert event["title"] == "Tiesas sēde: Pirmā sēde" and event["start"] == "2027-01-12T10:00:00+02:00"
    assert event["url"] == f"/cases/{court_case}" and event["extendedProps"]["kind"] == "hearing"
    outsider = app.test_client()
    sign_in(outsider, "outsider")
    assert outsider.get("/my-calendar/events?start=2027-01-01&end=2027-02-01").json == []


def test_who_may_schedule(api, court_case):
    assert api.post("/api/v1/hearings", as_user="clerk", json={"instance_id": court_case, **HEARING}).status_code == 403
    api.create_users({"judge-far": ["judge"]})
    far = api.post("/api/v1/hearings", as_user="judge-far", json={"instance_id": court_case, **HEARING})
    assert far.status_code == 404  # a case the judge takes no part in does not exist for them
    assert api.post("/api/v1/hearings", as_user="cc", json={"instance_id": "no-such-case", **HEARING}).status_code == 404
    assert api.get("/api/v1/hearings").json == []


@pytest.mark.parametrize("change, field", [
    ({"ends_at": "2027-01-12T09:00:00+02:00"}, "/ends_at"),
    ({"ends_at": "2027-01-13T10:00:00+02:00"}, "/ends_at"),
    ({"court": "Atlantis"}, "/court"),
    ({"starts_at": "2027-01-12T10:00:00"}, "starts_at"),
    ({"starts_at": "1999-12-31T10:00:00+00:00"}, "/starts_at"),
    ({"title": ""}, "title"),
])
def test_bad_hearings_are_422_naming_the_field(api, court_case, change, field):
    response = api.post("/api/v1/hearings", as_user="cc", json={"instance_id": court_case, **HEARING, **change})
    assert response.status_code == 422, response.json
    assert field in str(response.json["errors"])
    assert api.get("/api/v1/hearings", as_user="cc").json == []


@pytest.mark.parametrize("query", ["?from=0001-01-01", "?to=9999-12-31", "?from=yesterday"])
def test_bad_windows_are_422(api, query):
    assert api.get(f"/api/v1/hearings{query}").status_code == 422
