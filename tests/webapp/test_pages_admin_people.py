"""The admins' pages for people: users (create, change roles and placement, deactivate), roles,
unlocking a throttled sign-in (page and API, audited) and the access log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AuditEvent
from tests.webapp.pages_support import csrf_of, sign_in


@pytest.fixture
def admin(app, api):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, "admin")
    return client


def lock_out(api, username: str) -> None:
    for _attempt in range(6):
        api.client.post("/api/v1/auth/token", json={"username": username, "password": "wrong-password"})
    refused = api.client.post("/api/v1/auth/token", json={"username": username, "password": f"secret-{username}"})
    assert refused.status_code == 429


def changes(api, event: str) -> list[AuditEvent]:
    with api.app.app_context():
        return list(api.engine().session().scalars(select(AuditEvent).where(AuditEvent.event == event)))


def test_create_a_user_and_change_their_roles_and_unit(api, admin):
    page = admin.get("/admin/users")
    created = admin.post("/admin/users", data={
        "csrf_token": csrf_of(page), "username": "judge-ozola", "full_name": "Ilze Ozola", "password": "long-enough-1",
        "unit": "COURT:RIGA", "roles": ["judge"]}, follow_redirects=True)
    assert created.status_code == 200 and "User judge-ozola created." in created.get_data(as_text=True)
    body = api.get("/api/v1/users/judge-ozola").json
    assert (body["roles"], body["institution"], body["unit"]) == (["judge"], "COURT", "COURT:RIGA")
    saved = admin.post("/admin/users/judge-ozola", data={
        "csrf_token": csrf_of(page), "full_name": "Ilze Ozola", "unit": "COURT:RIGA", "roles": ["judge", "court_chair"],
        "active": "1"}, follow_redirects=True)
    assert "User judge-ozola saved." in saved.get_data(as_text=True)
    assert api.get("/api/v1/users/judge-ozola").json["roles"] == ["court_chair", "judge"]
    [updated] = changes(api, "user_updated")
    assert updated.actor == "admin" and updated.data["changes"]["roles"]["new"] == ["court_chair", "judge"]
    # Unticking "active" deactivates (and signs the user out everywhere).
    admin.post("/admin/users/judge-ozola", data={"csrf_token": csrf_of(page), "full_name": "Ilze Ozola",
                                                  "unit": "COURT:RIGA", "roles": ["judge"]})
    assert api.get("/api/v1/users/judge-ozola").json["active"] is False


@pytest.mark.parametrize("form, message", [
    ({"username": "x1", "password": "long-enough-1", "roles": ["wizard"]}, "unknown roles: wizard"),
    ({"username": "x2", "password": "long-enough-1", "unit": "NOWHERE:X"}, "unknown unit"),
    ({"username": "", "password": "long-enough-1"}, "a username is required"),
])
def test_bad_user_data_is_422_with_the_reason(api, admin, form, message):
    page = admin.get("/admin/users")
    response = admin.post("/admin/users", data={"csrf_token": csrf_of(page), **form})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert form["username"] not in [u["username"] for u in api.get("/api/v1/users").json] or not form["username"]


def test_a_taken_username_is_409(api, admin):
    page = admin.get("/admin/users")
    response = admin.post("/admin/users", data={"csrf_token": csrf_of(page), "username": "clerk",
                                                "password": "long-enough-1"})
    assert response.status_code == 409


def test_create_a_role(api, admin):
    page = admin.get("/admin/roles")
    assert "process_analyst" in page.get_data(as_text=True)
    response = admin.post("/admin/roles", data={"csrf_token": csrf_of(page), "code": "bailiff", "name_lv": "Tiesu izpildītājs",
                                                "name_en": "Bailiff", "institution": ""}, follow_redirects=True)
    assert "Role bailiff created." in response.get_data(as_text=True)
    assert "bailiff" in [role["code"] for role in api.get("/api/v1/roles").json]
    bad = admin.post("/admin/roles", data={"csrf_token": csrf_of(page), "code": "Bad Code!", "name_lv": "x", "name_en": "x"})
    assert bad.status_code == 422


def test_unlock_a_throttled_sign_in_from_the_page(api, admin):
    lock_out(api, "clerk")
    page = admin.get("/admin/users")
    assert "Locked sign-ins" in page.get_data(as_text=True) and "/admin/sign-in-locks/clerk/unlock" in page.get_data(as_text=True)
    response = admin.post("/admin/sign-in-locks/clerk/unlock", data={"csrf_token": csrf_of(page)}, follow_redirects=True)
    assert "Sign-in of clerk unlocked (1 counters cleared)." in response.get_data(as_text=True)
    assert "No sign-in is locked now." in response.get_data(as_text=True)
    assert api.client.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"}).status_code == 200
    [unlocked] = changes(api, "sign_in_unlocked")
    assert unlocked.actor == "admin" and unlocked.data == {"username": "clerk", "counters_removed": 1}


def test_unlock_api(api):
    lock_out(api, "clerk2")
    [lock] = api.get("/api/v1/sign-in-locks").json
    assert lock["username"] == "clerk2" and lock["failures"] == 5
    assert api.post("/api/v1/sign-in-locks/clerk2/unlock", as_user="clerk").status_code == 403
    response = api.post("/api/v1/sign-in-locks/clerk2/unlock")
    assert response.status_code == 200 and response.json == {"username": "clerk2", "counters_removed": 1}
    assert api.get("/api/v1/sign-in-locks").json == []
    assert api.post("/api/v1/sign-in-locks/nobody-at-all/unlock").json["counters_removed"] == 0
    assert [row.actor for row in changes(api, "sign_in_unlocked")] == ["admin", "admin"]


def test_the_access_log_lists_reads_with_filters(api, deployed, admin):
    instance_id = api.start("linear", as_user="clerk").json["id"]
    api.get(f"/api/v1/process-instances/{instance_id}", as_user="clerk")
    page = admin.get(f"/admin/audit?kind=access&user=clerk&instance_id={instance_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "case_read" in text and "GET /api/v1/process-instances/&lt;string:instance_id&gt;" in text
    assert instance_id[:8] in text
    nobody = admin.get("/admin/audit?kind=access&user=nobody").get_data(as_text=True)
    assert "Nothing recorded matches." in nobody
    changes_page = admin.get("/admin/audit?kind=change&event=user_created").get_data(as_text=True)
    assert "user_created" in changes_page
