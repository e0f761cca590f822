"""Linking a user to an advocate or prosecutor record lets them act as that person, so the user
must hold the matching role: a legal-aid officer cannot make himself an advocate (issue 7)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AuditEvent

ADVOCATE = {"code": "adv-1", "full_name": "Ilze Kalniņa", "territories": ["Rīga"]}
PROSECUTOR = {"code": "pro-1", "full_name": "Jānis Ozoliņš", "regions": ["Latgale"]}
KINDS = {
    "advocates": (ADVOCATE, "officer", ["lawyer"], ["officer", "duty", "admin", "chief"]),
    "prosecutors": (PROSECUTOR, "admin", ["duty", "plain", "chief"], ["lawyer", "officer", "admin"]),
}


@pytest.fixture
def people(api):
    api.create_users({"officer": ["legal_aid_officer"], "lawyer": ["advocate"], "duty": ["duty_prosecutor"],
                      "plain": ["prosecutor"], "chief": ["chief_prosecutor"]})
    return api


def patch(api, path, as_user, **kw):
    return api.client.patch(path, headers=api.headers(as_user), **kw)


@pytest.mark.parametrize("kind", KINDS)
def test_only_a_holder_of_the_matching_role_may_be_linked(people, kind):
    api = people
    body, manager, allowed, refused = KINDS[kind]
    created = api.post(f"/api/v1/{kind}", as_user=manager, json=body)
    assert created.status_code == 201, created.json
    record_id = created.json["id"]
    for username in refused:
        response = patch(api, f"/api/v1/{kind}/{record_id}", manager, json={"user": username})
        assert response.status_code == 422, (username, response.json)
        assert response.json["message"].startswith(f"user {username!r} cannot be linked to a {kind[:-1]} record")
        assert response.json["errors"][0]["field"] == "/user"
        assert api.get(f"/api/v1/{kind}/{record_id}").json["user"] is None
    for username in allowed:
        response = patch(api, f"/api/v1/{kind}/{record_id}", manager, json={"user": username})
        assert response.status_code == 200, (username, response.json)
        assert response.json["user"] == username
    with api.app.app_context():
        from webapp.extensions import db

        links = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == f"{kind[:-1]}_user_linked").order_by(AuditEvent.id)
        ).all()
    expected = list(zip([None, *allowed[:-1]], allowed, strict=True))
    assert [(row.data["old"], row.data["new"]) for row in links] == expected
    assert all(row.actor == manager for row in links)


@pytest.mark.parametrize("kind", KINDS)
def test_creating_a_record_linked_to_the_wrong_user_is_refused(people, kind):
    api = people
    body, manager, _allowed, refused = KINDS[kind]
    response = api.post(f"/api/v1/{kind}", as_user=manager, json={**body, "user": refused[0]})
    assert response.status_code == 422, response.json
    assert api.get(f"/api/v1/{kind}").json == []


def test_unlinking_is_always_allowed(people):
    api = people
    created = api.post("/api/v1/advocates", as_user="officer", json={**ADVOCATE, "user": "lawyer"}).json
    response = patch(api, f"/api/v1/advocates/{created['id']}", "officer", json={"user": None})
    assert response.status_code == 200 and response.json["user"] is None
