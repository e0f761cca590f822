"""Sign-in counters and token revocation hold across server processes: two real gunicorn servers
on one database share the failure count of a (username, client) pair, and a token signed out or
revoked by deactivation in one process stops working in the other at once (issue 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.support.server import LietaServer

TIMEOUT_S = 10.0
WINDOW = timedelta(minutes=15)


def sign_in(base_url: str, username: str, password: str) -> requests.Response:
    return requests.post(f"{base_url}/api/v1/auth/token", json={"username": username, "password": password},
                         headers={"Accept-Language": "en"}, timeout=TIMEOUT_S)


def bearer(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def status(base_url: str, headers: dict[str, str]) -> int:
    return requests.get(f"{base_url}/api/v1/process-definitions", headers=headers, timeout=TIMEOUT_S).status_code


@pytest.fixture
def two_servers(app, database_url, tmp_path):
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        for username, roles in (("admin", ["admin"]), ("clerk", ["clerk"]), ("clerk2", ["clerk"])):
            engine.users.create(username, "secret-" + username, roles)
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()
    servers = [LietaServer(database_url, tmp_path / f"instance-{n}", tmp_path / f"server-{n}.log") for n in (1, 2)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.mark.slow
def test_failures_are_counted_across_servers_and_another_client_still_signs_in(app, clock, two_servers):
    one, two = (server.base_url for server in two_servers)
    started = datetime.now(UTC)
    for base_url in (one, two, one, two, one):
        response = sign_in(base_url, "clerk", "wrong")
        assert response.status_code == 401, response.text
    for base_url in (two, one):
        refused = sign_in(base_url, "Clerk", "secret-clerk")
        assert refused.status_code == 429, refused.text
        assert 0 < int(refused.headers["Retry-After"]) <= WINDOW.total_seconds()
    # The servers see this test as 127.0.0.1; an in-process client on the same database, with the
    # clock moved, plays another client and the same client later on.
    http = app.test_client()
    clock.set(started + timedelta(minutes=1))
    elsewhere = http.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"},
                          environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert elsewhere.status_code == 200, elsewhere.json
    same_client = {"REMOTE_ADDR": "127.0.0.1"}
    clock.set(started + WINDOW - timedelta(minutes=1))
    locked = http.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"}, environ_base=same_client)
    assert locked.status_code == 429
    clock.set(datetime.now(UTC) + WINDOW)
    after = http.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"}, environ_base=same_client)
    assert after.status_code == 200, after.json
    # The success reset the pair's count: the servers let clerk in again.
    assert sign_in(one, "clerk", "secret-clerk").status_code == 200


@pytest.mark.slow
def test_sign_out_and_deactivation_revoke_tokens_in_the_other_server_at_once(two_servers):
    one, two = (server.base_url for server in two_servers)
    clerk = bearer(sign_in(one, "clerk", "secret-clerk"))
    # Twice in each: the second answer came from each process's cache of signed-in tokens.
    assert [status(base, clerk) for base in (two, two, one, one)] == [200] * 4
    signed_out = requests.delete(f"{one}/api/v1/auth/token", headers=clerk, timeout=TIMEOUT_S)
    assert signed_out.status_code == 204
    assert status(two, clerk) == 401
    clerk2 = bearer(sign_in(two, "clerk2", "secret-clerk2"))
    also_clerk2 = bearer(sign_in(one, "clerk2", "secret-clerk2"))
    admin = bearer(sign_in(one, "admin", "secret-admin"))
    assert [status(base, token) for base, token in ((two, clerk2), (one, also_clerk2)) for _ in "xy"] == [200] * 4
    deactivated = requests.patch(f"{one}/api/v1/users/clerk2", json={"active": False}, headers=admin, timeout=TIMEOUT_S)
    assert deactivated.status_code == 200, deactivated.text
    assert status(two, clerk2) == 401 and status(two, also_clerk2) == 401
    assert sign_in(two, "clerk2", "secret-clerk2").status_code == 401


def status_of_users(base_url: str, headers: dict[str, str]) -> int:
    return requests.get(f"{base_url}/api/v1/users", headers=headers, timeout=TIMEOUT_S).status_code


@pytest.mark.slow
def test_a_role_taken_away_in_one_server_holds_in_the_other_at_once(two_servers):
    one, two = (server.base_url for server in two_servers)
    admin = bearer(sign_in(one, "admin", "secret-admin"))
    made = requests.post(f"{one}/api/v1/users", headers=admin, timeout=TIMEOUT_S,
                         json={"username": "admin2", "password": "secret-admin2", "roles": ["admin"]})
    assert made.status_code == 201, made.text
    admin2 = bearer(sign_in(two, "admin2", "secret-admin2"))
    assert [status_of_users(two, admin2) for _ in "xy"] == [200, 200]
    changed = requests.patch(f"{one}/api/v1/users/admin2", json={"roles": ["clerk"]}, headers=admin, timeout=TIMEOUT_S)
    assert changed.status_code == 200, changed.text
    assert status_of_users(two, admin2) == 403
    assert status(two, admin2) == 200
