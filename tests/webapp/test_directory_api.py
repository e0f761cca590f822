"""Users, roles and institutions through the admin API: admins only, codes checked against the
tables, every change audited old → new, deactivation revoking tokens at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AuditEvent


def patch(api, path, as_user="admin", **kw):
    return api.client.patch(path, headers=api.headers(as_user), **kw)


def audit_rows(api, event):
    with api.app.app_context():
        from webapp.extensions import db

        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.id)))


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/users"), ("post", "/api/v1/users"), ("get", "/api/v1/users/clerk"),
     ("patch", "/api/v1/users/clerk"), ("get", "/api/v1/roles"), ("post", "/api/v1/roles"),
     ("get", "/api/v1/institutions")],
)
@pytest.mark.parametrize("as_user", ["clerk", "analyst"])
def test_only_admins_reach_the_directory(api, method, path, as_user):
    body = {
        "/api/v1/users": {"username": "x", "password": "long-enough", "roles": ["admin"]},
        "/api/v1/users/clerk": {"roles": ["admin"]},
        "/api/v1/roles": {"code": "x_role", "name_lv": "x", "name_en": "x"},
    }.get(path) if method != "get" else None
    response = getattr(api.client, method)(path, headers=api.headers(as_user), json=body)
    assert response.status_code == 403, response.json
    assert response.json["message"] == "only an administrator may do this"


def test_roles_and_institutions_are_listed_with_their_names(api):
    roles = {r["code"]: r for r in api.get("/api/v1/roles").json}
    assert {"admin", "investigator", "chief_prosecutor", "court_chair", "elder_of_sworn_advocates", "citizen"} <= set(roles)
    assert roles["judge"] == {"code": "judge", "name_lv": "Tiesnesis", "name_en": "Judge", "institution": "COURT", "active": True}
    institutions = {i["code"]: i for i in api.get("/api/v1/institutions").json}
    assert set(institutions) == {"POLICE", "PROSECUTION", "COURT", "TA", "BAR", "PROBATION", "PRISON", "FORENSIC", "PUBLIC"}
    assert "COURT:RIGA" in {u["code"] for u in institutions["COURT"]["units"]}
    assert all(u["code"].startswith("COURT:") for u in institutions["COURT"]["units"])


def test_an_admin_creates_reads_and_changes_a_user(api):
    created = api.post("/api/v1/users", json={
        "username": "ieva", "password": "long-enough", "full_name": "Ieva Liepa", "unit": "COURT:KURZEME",
        "roles": ["court_clerk"],
    })
    assert created.status_code == 201, created.json
    assert created.json | {"created_at": None} == {
        "username": "ieva", "full_name": "Ieva Liepa", "institution": "COURT", "unit": "COURT:KURZEME",
        "roles": ["court_clerk"], "active": True, "service_account": False, "created_at": None,
    }
    assert "ieva" in {u["username"] for u in api.get("/api/v1/users").json}
    changed = patch(api, "/api/v1/users/ieva", json={"unit": "COURT:RIGA", "roles": ["court_clerk", "judge"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["unit"] == "COURT:RIGA" and changed.json["roles"] == ["court_clerk", "judge"]
    assert api.get("/api/v1/users/ieva").json["roles"] == ["court_clerk", "judge"]
    row = audit_rows(api, "user_updated")[-1]
    assert row.actor == "admin" and row.kind == "change"
    assert row.data["changes"] == {
        "unit": {"old": "COURT:KURZEME", "new": "COURT:RIGA"},
        "roles": {"old": ["court_clerk"], "new": ["court_clerk", "judge"]},
    }
    created_row = audit_rows(api, "user_created")[-1]
    assert created_row.data["username"] == "ieva" and "password" not in str(created_row.data)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"roles": ["wizard"]}, "/roles", "unknown roles: wizard"),
        ({"institution": "MINISTRY"}, "/institution", "unknown institution 'MINISTRY'"),
        ({"unit": "COURT:ATLANTIS"}, "/unit", "unknown unit 'COURT:ATLANTIS'"),
        ({"institution": "POLICE", "unit": "COURT:RIGA"}, "/unit", "unit 'COURT:RIGA' belongs to COURT, not POLICE"),
    ],
    ids=["role", "institution", "unit", "unit-of-another-institution"],
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_unknown_codes_are_422_and_change_nothing(api, body, field, message, method):
    if method == "post":
        response = api.post("/api/v1/users", json={"username": "new", "password": "long-enough", **body})
    else:
        response = patch(api, "/api/v1/users/clerk", json=body)
    assert response.status_code == 422, response.json
    assert response.json["message"].startswith(message)
    assert field in {e["field"] for e in response.json["errors"]}
    assert "new" not in {u["username"] for u in api.get("/api/v1/users").json}
    clerk = api.get("/api/v1/users/clerk").json
    assert clerk["roles"] == ["clerk"] and clerk["institution"] is None and clerk["unit"] is None


def test_unknown_user_is_404_and_taken_username_409(api):
    assert api.get("/api/v1/users/ghost").status_code == 404
    assert patch(api, "/api/v1/users/ghost", json={"active": False}).status_code == 404
    taken = api.post("/api/v1/users", json={"username": "clerk", "password": "long-enough"})
    assert taken.status_code == 409


def test_deactivating_a_user_revokes_all_their_tokens_at_once(api):
    first = api.headers("clerk")
    second = api.client.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"}).json
    second = {"Authorization": f"Bearer {second['access_token']}"}
    for headers in (first, second):
        assert api.client.get("/api/v1/process-definitions", headers=headers).status_code == 200
    response = patch(api, "/api/v1/users/clerk", json={"active": False})
    assert response.status_code == 200 and response.json["active"] is False
    for headers in (first, second):
        assert api.client.get("/api/v1/process-definitions", headers=headers).status_code == 401
    row = audit_rows(api, "user_updated")[-1]
    assert row.data["changes"] == {"active": {"old": True, "new": False}} and row.data["tokens_revoked"] == 2
    again = api.client.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"})
    assert again.status_code == 401


def test_an_admin_adds_a_role_that_users_and_lanes_may_then_name(api):
    created = api.post("/api/v1/roles", json={
        "code": "bailiff", "name_lv": "Tiesu izpildītājs", "name_en": "Bailiff", "institution": "COURT",
    })
    assert created.status_code == 201, created.json
    assert created.json == {"code": "bailiff", "name_lv": "Tiesu izpildītājs", "name_en": "Bailiff",
                            "institution": "COURT", "active": True}
    assert patch(api, "/api/v1/users/clerk", json={"roles": ["clerk", "bailiff"]}).status_code == 200
    assert audit_rows(api, "role_created")[-1].data["code"] == "bailiff"
    assert api.post("/api/v1/roles", json={"code": "bailiff", "name_lv": "a", "name_en": "b"}).status_code == 409


@pytest.mark.parametrize(
    ("body", "status"),
    [({"code": "Bad Code", "name_lv": "a", "name_en": "b"}, 422),
     ({"code": "ok_code", "name_lv": "a", "name_en": "b", "institution": "NOWHERE"}, 422),
     ({"code": "ok_code", "name_lv": "a"}, 422)],
    ids=["malformed-code", "unknown-institution", "missing-name"],
)
def test_bad_roles_are_refused(api, body, status):
    response = api.post("/api/v1/roles", json=body)
    assert response.status_code == status, response.json
    assert "ok_code" not in {r["code"] for r in api.get("/api/v1/roles").json}
