"""The admins' pages: incidents (retry / skip, one by one and in bulk, the bulk API's per-item
results), terminating a case with a reason, users and roles, unlocking a throttled sign-in, and
the access log. Everyone else gets the 403 page; an unsafe request without the CSRF token, 400."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.webapp.pages_support import csrf_of, sign_in
from tests.webapp.test_incidents import Registry, registry_process

ADMIN_PAGES = ("/admin/incidents", "/admin/users", "/admin/roles", "/admin/audit", "/admin/users/clerk")


@pytest.fixture
def pages_client(app):
    def make(username: str):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        sign_in(client, username)
        return client

    return make


@pytest.fixture
def failing(api):
    """Three cases stopped by the population registry's outage, each with one open incident."""
    handler = Registry()
    api.engine().operations.register("lookup_person", handler, max_attempts=1, backoff=timedelta(seconds=30))
    assert api.deploy({"r.bpmn": registry_process()}).status_code == 201
    instances = [api.start("checks_registry", data={"personal_code": str(n)}).json["id"] for n in range(3)]
    incidents = api.get("/api/v1/incidents").json
    by_instance = {incident["instance_id"]: incident["id"] for incident in incidents}
    return handler, [(instance_id, by_instance[instance_id]) for instance_id in instances]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_403_for_others_and_send_the_signed_out_to_sign_in(api, pages_client, app, path):
    response = pages_client("clerk").get(path)
    assert response.status_code == 403 and "You may not do this" in response.get_data(as_text=True)
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.headers["Location"]
    assert pages_client("admin").get(path).status_code == 200


def test_the_admin_link_is_shown_to_admins_only(api, pages_client):
    assert "/admin/incidents" in pages_client("admin").get("/").get_data(as_text=True)
    assert "/admin/incidents" not in pages_client("clerk").get("/").get_data(as_text=True)


@pytest.mark.parametrize("action", ["retry", "skip"])
def test_one_incident_from_the_page(api, failing, pages_client, action):
    handler, cases = failing
    handler.down = False
    admin = pages_client("admin")
    page = admin.get("/admin/incidents")
    text = page.get_data(as_text=True)
    assert all(incident_id in text for _instance, incident_id in cases)
    assert "population registry unreachable" in text
    instance_id, incident_id = cases[0]
    response = admin.post(f"/admin/incidents/{incident_id}/{action}", data={"csrf_token": csrf_of(page)},
                          follow_redirects=True)
    assert response.status_code == 200
    assert ("Incidents retried: 1." if action == "retry" else "Incidents skipped: 1.") in response.get_data(as_text=True)
    [resolved] = [i for i in api.get("/api/v1/incidents?status=resolved").json if i["id"] == incident_id]
    assert resolved["resolution"] == ("retried" if action == "retry" else "skipped")
    assert resolved["resolved_by"] == "admin"
    assert api.get(f"/api/v1/process-instances/{instance_id}").json["status"] == "running"
    assert len(api.get("/api/v1/incidents").json) == 2
    # Done again: the incident is resolved already, the page says so instead of failing.
    again = admin.post(f"/admin/incidents/{incident_id}/{action}", data={"csrf_token": csrf_of(page)},
                       follow_redirects=True)
    assert "already resolved" in again.get_data(as_text=True)


def test_a_retry_that_fails_again_keeps_the_incident_open_and_says_so(api, failing, pages_client):
    _handler, cases = failing
    admin = pages_client("admin")
    page = admin.get("/admin/incidents")
    response = admin.post(f"/admin/incidents/{cases[0][1]}/retry", data={"csrf_token": csrf_of(page)},
                          follow_redirects=True)
    assert "failed again" in response.get_data(as_text=True)
    assert len(api.get("/api/v1/incidents").json) == 3


def test_bulk_skip_from_the_page_skips_the_chosen_ones_only(api, failing, pages_client):
    _handler, cases = failing
    admin = pages_client("admin")
    page = admin.get("/admin/incidents")
    chosen = [incident_id for _instance, incident_id in cases[1:]]
    response = admin.post("/admin/incidents/bulk", data={"csrf_token": csrf_of(page), "action": "skip",
                                                         "incident_id": chosen}, follow_redirects=True)
    assert "Incidents skipped: 2." in response.get_data(as_text=True)
    assert [i["id"] for i in api.get("/api/v1/incidents").json] == [cases[0][1]]
    for instance_id, _incident in cases[1:]:
        assert "incident_skipped" in [h["event"] for h in api.get(f"/api/v1/process-instances/{instance_id}/history").json]


@pytest.mark.parametrize("data, message", [
    ({"action": "skip"}, "Select the incidents first."),
    ({"action": "explode", "incident_id": ["x"]}, "Choose retry or skip."),
])
def test_bulk_without_a_choice_says_what_is_missing(api, failing, pages_client, data, message):
    admin = pages_client("admin")
    response = admin.post("/admin/incidents/bulk", data={"csrf_token": csrf_of(admin.get("/admin/incidents")), **data},
                          follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert len(api.get("/api/v1/incidents").json) == 3


def test_bulk_api_answers_per_item(api, failing):
    handler, cases = failing
    handler.down = False
    first, second = cases[0][1], cases[1][1]
    assert api.post(f"/api/v1/incidents/{first}/skip").status_code == 200
    response = api.post("/api/v1/incidents/bulk", json={"action": "retry", "ids": [first, second, "no-such-incident"]})
    assert response.status_code == 200, response.json
    results = response.json["results"]
    assert [(r["id"], r["ok"], r["status"]) for r in results] == [
        (first, False, 409), (second, True, 200), ("no-such-incident", False, 404)]
    assert "already resolved" in results[0]["message"] and results[0]["incident"] is None
    assert results[1]["incident"]["resolution"] == "retried" and results[1]["message"] is None
    assert [i["id"] for i in api.get("/api/v1/incidents").json] == [cases[2][1]]


@pytest.mark.parametrize("body, status", [
    ({"action": "skip", "ids": []}, 422),
    ({"action": "delete", "ids": ["x"]}, 422),
    ({"action": "skip", "ids": ["x"] * 101}, 422),
    ({"ids": ["x"]}, 422),
])
def test_bulk_api_refuses_bad_bodies(api, failing, body, status):
    response = api.post("/api/v1/incidents/bulk", json=body)
    assert response.status_code == status and set(response.json) == {"message", "errors"}


def test_bulk_api_is_for_admins(api, failing):
    response = api.post("/api/v1/incidents/bulk", as_user="clerk", json={"action": "skip", "ids": [failing[1][0][1]]})
    assert response.status_code == 403
    assert len(api.get("/api/v1/incidents").json) == 3


def test_terminate_a_case_with_a_reason(api, failing, pages_client):
    _handler, cases = failing
    instance_id = cases[0][0]
    admin = pages_client("admin")
    form = admin.get(f"/admin/cases/{instance_id}/terminate")
    assert form.status_code == 200
    blank = admin.post(f"/admin/cases/{instance_id}/terminate", data={"csrf_token": csrf_of(form), "reason": "  "})
    assert blank.status_code == 422 and "Give the reason" in blank.get_data(as_text=True)
    assert api.get(f"/api/v1/process-instances/{instance_id}").json["status"] == "error"
    done = admin.post(f"/admin/cases/{instance_id}/terminate",
                      data={"csrf_token": csrf_of(form), "reason": "registered twice"}, follow_redirects=True)
    assert done.status_code == 200 and "The case was terminated." in done.get_data(as_text=True)
    assert api.get(f"/api/v1/process-instances/{instance_id}").json["status"] == "terminated"
    [entry] = [h for h in api.get(f"/api/v1/process-instances/{instance_id}/history").json
               if h["event"] == "instance_terminated"]
    assert entry["actor"] == "admin" and entry["data"]["reason"] == "registered twice"
    assert cases[0][1] not in [i["id"] for i in api.get("/api/v1/incidents").json]
    again = admin.post(f"/admin/cases/{instance_id}/terminate", data={"csrf_token": csrf_of(form), "reason": "x"})
    assert again.status_code == 409
    assert admin.get("/admin/cases/no-such-case/terminate").status_code == 404
    clerk = pages_client("clerk")
    refused = clerk.post(f"/admin/cases/{cases[1][0]}/terminate", data={"csrf_token": csrf_of(clerk.get("/")), "reason": "x"})
    assert refused.status_code == 403
    assert api.get(f"/api/v1/process-instances/{cases[1][0]}").json["status"] == "error"


def test_unsafe_requests_need_the_csrf_token(api, failing, pages_client):
    admin = pages_client("admin")
    for path, data in ((f"/admin/incidents/{failing[1][0][1]}/skip", {}),
                       ("/admin/incidents/bulk", {"action": "skip", "incident_id": failing[1][1][1]}),
                       (f"/admin/cases/{failing[1][0][0]}/terminate", {"reason": "x"}),
                       ("/admin/sign-in-locks/clerk/unlock", {})):
        assert admin.post(path, data=data).status_code == 400
    assert len(api.get("/api/v1/incidents").json) == 3
