"""The per-process cache of signed-in tokens (engine/services/token_cache.py): a repeated request
does not look its token up again, and everything that takes access away — sign-out, deactivation,
a role taken away, expiry — holds at the very next request. Across processes:
test_sign_in_servers.py."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

DEFINITIONS = "/api/v1/process-definitions"


@contextmanager
def statements(app):
    """The SQL the app sends while the block runs."""
    from webapp.extensions import db

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        bind = db.engine
    event.listen(bind, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(bind, "before_cursor_execute", record)


def test_a_signed_in_token_is_not_looked_up_again(api):
    headers = api.headers("clerk")
    with statements(api.app) as first:
        assert api.client.get(DEFINITIONS, headers=headers).status_code == 200
    with statements(api.app) as second:
        assert api.client.get(DEFINITIONS, headers=headers).status_code == 200
    assert any("api_tokens" in sql for sql in first)
    assert not any("api_tokens" in sql or "user_roles" in sql for sql in second), second
    assert any("auth_revision" in sql for sql in second)


def test_a_cached_token_still_expires_on_time(api, clock):
    headers = api.headers("clerk")
    assert api.client.get(DEFINITIONS, headers=headers).status_code == 200
    clock.advance(timedelta(hours=api.app.config["LIETA_SETTINGS"].token_ttl_hours, seconds=1))
    assert api.client.get(DEFINITIONS, headers=headers).status_code == 401


@pytest.mark.parametrize(
    "take_away",
    [
        lambda api: api.client.delete("/api/v1/auth/token", headers=api.headers("clerk")),
        lambda api: api.client.patch("/api/v1/users/clerk", json={"active": False}, headers=api.headers("admin")),
    ],
    ids=["sign-out", "deactivation"],
)
def test_revocation_holds_at_the_next_request_though_the_token_was_cached(api, take_away):
    headers = api.headers("clerk")
    for _ in range(2):
        assert api.client.get(DEFINITIONS, headers=headers).status_code == 200
    assert take_away(api).status_code in (200, 204)
    assert api.client.get(DEFINITIONS, headers=headers).status_code == 401


def test_a_role_taken_away_holds_at_the_next_request(api):
    other_admin = {"other-admin": ["admin"]}
    api.create_users(other_admin)
    headers = api.headers("other-admin")
    assert api.client.get("/api/v1/users", headers=headers).status_code == 200
    changed = api.client.patch("/api/v1/users/other-admin", json={"roles": ["clerk"]}, headers=api.headers("admin"))
    assert changed.status_code == 200, changed.json
    assert api.client.get("/api/v1/users", headers=headers).status_code == 403
    assert api.client.get(DEFINITIONS, headers=headers).status_code == 200
