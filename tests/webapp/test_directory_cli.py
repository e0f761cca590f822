"""`flask users roles|deactivate|unlock` and `flask roles list|create`: exit 0 and a line on
success, exit 2 and one sentence on bad input, audited like the API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AuditEvent


def run(api, *args):
    return api.app.test_cli_runner().invoke(args=list(args))


def roles_of(api, username):
    with api.app.app_context():
        return sorted(api.engine().users.by_username(username).roles)


def test_users_roles_prints_adds_and_removes(api):
    shown = run(api, "users", "roles", "clerk")
    assert shown.exit_code == 0 and shown.output.strip() == "clerk: clerk"
    changed = run(api, "users", "roles", "clerk", "--add", "judge", "--add", "court_clerk", "--remove", "clerk")
    assert changed.exit_code == 0, changed.output
    assert changed.output.strip() == "clerk: court_clerk, judge"
    assert roles_of(api, "clerk") == ["court_clerk", "judge"]
    with api.app.app_context():
        from webapp.extensions import db

        row = db.session.scalars(select(AuditEvent).where(AuditEvent.event == "user_updated")).one()
    assert row.actor == "cli" and row.data["changes"]["roles"] == {"old": ["clerk"], "new": ["court_clerk", "judge"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["users", "roles", "clerk", "--add", "wizard"], "unknown roles: wizard"),
        (["users", "roles", "ghost"], "user 'ghost' does not exist"),
        (["users", "deactivate", "ghost"], "user 'ghost' does not exist"),
        (["roles", "create", "Bad Code", "--name-lv", "a", "--name-en", "b"], "role code 'Bad Code' must be"),
        (["roles", "create", "judge", "--name-lv", "a", "--name-en", "b"], "role 'judge' already exists"),
        (["roles", "create", "notary", "--name-lv", "a", "--name-en", "b", "--institution", "X"], "unknown institution 'X'"),
    ],
    ids=["unknown-role", "unknown-user", "deactivate-unknown", "bad-code", "existing-role", "unknown-institution"],
)
def test_bad_input_exits_2_with_one_sentence(api, args, message):
    result = run(api, *args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {message}")
    assert roles_of(api, "clerk") == ["clerk"]


def test_roles_list_and_create(api):
    created = run(api, "roles", "create", "notary", "--name-lv", "Notārs", "--name-en", "Notary", "--institution", "TA")
    assert created.exit_code == 0 and created.output.strip() == "created role notary"
    listed = run(api, "roles", "list")
    assert listed.exit_code == 0
    lines = {line.split()[0]: line for line in listed.output.splitlines()}
    assert "Notārs / Notary" in lines["notary"] and "TA" in lines["notary"]
    assert {"admin", "investigator", "chief_prosecutor", "citizen"} <= set(lines)
    assert run(api, "users", "roles", "clerk", "--add", "notary").exit_code == 0


def test_deactivate_revokes_tokens(api):
    headers = api.headers("clerk")
    result = run(api, "users", "deactivate", "clerk")
    assert result.exit_code == 0 and "deactivated" in result.output
    assert api.client.get("/api/v1/process-definitions", headers=headers).status_code == 401
