from datetime import timedelta

import pytest


def test_token_for_good_credentials(api):
    response = api.client.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"})
    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer"
    assert len(response.json["access_token"]) >= 40


@pytest.mark.parametrize(
    "body",
    [{"username": "clerk", "password": "wrong"}, {"username": "ghost", "password": "x"}],
    ids=["wrong-password", "unknown-user"],
)
def test_bad_credentials_are_401_with_the_error_shape(api, body):
    response = api.client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 401
    assert response.json == {"message": "wrong username or password", "errors": None}


def test_missing_fields_are_422(api):
    response = api.client.post("/api/v1/auth/token", json={"username": "clerk"})
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "/password", "message": "Missing data for required field."}]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}],
    ids=["none", "unknown", "wrong-scheme", "empty"],
)
def test_api_without_a_valid_token_is_401(api, headers):
    response = api.client.get("/api/v1/process-definitions", headers=headers)
    assert response.status_code == 401
    assert set(response.json) == {"message", "errors"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_expires(api, clock):
    token = api.token("clerk")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/process-definitions", headers=headers).status_code == 200
    ttl = api.app.config["LIETA_SETTINGS"].token_ttl_hours
    clock.advance(timedelta(hours=ttl) - timedelta(seconds=1))
    assert api.client.get("/api/v1/process-definitions", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=2))
    assert api.client.get("/api/v1/process-definitions", headers=headers).status_code == 401


def test_inactive_user_token_stops_working(api):
    headers = api.headers("clerk")
    with api.app.app_context():
        from webapp.extensions import db

        user = api.engine().users.by_username("clerk")
        user.active = False
        db.session.commit()
    assert api.client.get("/api/v1/process-definitions", headers=headers).status_code == 401


def test_passwords_are_stored_as_argon2_hashes(api):
    with api.app.app_context():
        user = api.engine().users.by_username("clerk")
        assert user.password_hash.startswith("$argon2id$")
        assert "secret-clerk" not in user.password_hash
