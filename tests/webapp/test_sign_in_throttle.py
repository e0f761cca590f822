"""Sign-in throttling (issue 7, item 5), in process with the injected clock: per (username
case-folded, client address) 5 failures get 401, then 429 with Retry-After whatever the password
until 15 minutes after the first failure; 429s are not counted; a success resets the count; 20
failures from one client across usernames lock that client; an admin can unlock; sign-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.models import AuditEvent

WINDOW = timedelta(minutes=15)
HOME, ELSEWHERE = "10.0.0.1", "10.0.0.2"


def sign_in(api, username, password, client=HOME):
    return api.client.post("/api/v1/auth/token", json={"username": username, "password": password},
                           environ_base={"REMOTE_ADDR": client})


def audit(api, *events):
    with api.app.app_context():
        from webapp.extensions import db

        return db.session.scalars(
            select(AuditEvent).where(AuditEvent.event.in_(events)).order_by(AuditEvent.id)
        ).all()


def test_five_failures_401_then_429_until_the_window_ends(api, clock):
    first_failure = clock.now()
    for attempt in range(5):
        response = sign_in(api, "clerk", f"wrong-{attempt}")
        assert response.status_code == 401, (attempt, response.json)
        clock.advance(timedelta(minutes=1))
    for password in ("wrong-again", "secret-clerk"):
        refused = sign_in(api, "clerk", password)
        assert refused.status_code == 429, refused.json
        assert refused.json == {"message": "too many failed sign-ins: try again in 10 minutes", "errors": None}
        assert int(refused.headers["Retry-After"]) == (first_failure + WINDOW - clock.now()).total_seconds()
    # The same username from another client address is not locked out.
    assert sign_in(api, "clerk", "secret-clerk", client=ELSEWHERE).status_code == 200
    clock.set(first_failure + WINDOW - timedelta(seconds=1))
    last = sign_in(api, "Clerk", "secret-clerk")
    assert last.status_code == 429 and last.headers["Retry-After"] == "1"
    clock.set(first_failure + WINDOW)
    assert sign_in(api, "clerk", "secret-clerk").status_code == 200


def test_refused_attempts_are_not_counted_and_a_success_resets_the_count(api, clock):
    for _ in range(4):
        assert sign_in(api, "clerk", "wrong").status_code == 401
    assert sign_in(api, "clerk", "secret-clerk").status_code == 200
    for _ in range(5):
        assert sign_in(api, "clerk", "wrong").status_code == 401
    for _ in range(10):
        assert sign_in(api, "clerk", "wrong").status_code == 429
    clock.advance(WINDOW)
    # Ten refusals counted nothing: a fresh window allows five more failures.
    for _ in range(5):
        assert sign_in(api, "clerk", "wrong").status_code == 401
    assert sign_in(api, "clerk", "wrong").status_code == 429


@pytest.mark.parametrize("username", ["ghost", "GHOST", "Ghost"])
def test_unknown_usernames_are_counted_case_folded(api, username):
    for _ in range(5):
        assert sign_in(api, "ghost", "x").status_code == 401
    assert sign_in(api, username, "x").status_code == 429


def test_twenty_failures_across_usernames_lock_the_client(api, clock):
    for n in range(20):
        assert sign_in(api, f"guess-{n // 4}", "x").status_code == 401, n
    refused = sign_in(api, "clerk", "secret-clerk")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == WINDOW.total_seconds()
    assert sign_in(api, "clerk", "secret-clerk", client=ELSEWHERE).status_code == 200
    clock.advance(WINDOW)
    assert sign_in(api, "clerk", "secret-clerk").status_code == 200


def test_failed_and_throttled_sign_ins_are_audited_without_the_password(api):
    for _ in range(6):
        sign_in(api, "Clerk", "hunter2-guess")
    failed = audit(api, "sign_in_failed")
    throttled = audit(api, "sign_in_throttled")
    assert [row.data["failures"] for row in failed] == [1, 2, 3, 4, 5]
    assert {row.actor for row in failed + throttled} == {"clerk"}
    assert failed[0].data == {"username": "Clerk", "client": HOME, "failures": 1, "client_failures": 1}
    assert len(throttled) == 1 and throttled[0].data["retry_after"] == WINDOW.total_seconds()
    assert all("hunter2" not in str(row.data) for row in failed + throttled)


def test_unlock_lifts_the_lock_from_every_client(api):
    for client in (HOME, ELSEWHERE):
        for _ in range(5):
            sign_in(api, "clerk", "wrong", client=client)
        assert sign_in(api, "clerk", "secret-clerk", client=client).status_code == 429
    for _ in range(5):
        sign_in(api, "clerk2", "wrong")
    result = api.app.test_cli_runner().invoke(args=["users", "unlock", "CLERK"])
    assert result.exit_code == 0 and result.output.strip() == "CLERK unlocked (2 failure counters cleared)"
    for client in (HOME, ELSEWHERE):
        assert sign_in(api, "clerk", "secret-clerk", client=client).status_code == 200
    # Unlocking clerk leaves clerk2 (a name sharing its prefix) locked.
    assert sign_in(api, "clerk2", "secret-clerk2").status_code == 429
    assert audit(api, "sign_in_unlocked")[0].data == {"username": "CLERK", "counters_removed": 2}


def test_sign_out_revokes_the_presented_token_only(api):
    first = api.headers("clerk")
    other = sign_in(api, "clerk", "secret-clerk").json["access_token"]
    assert api.client.delete("/api/v1/auth/token", headers=first).status_code == 204
    assert api.client.get("/api/v1/process-definitions", headers=first).status_code == 401
    assert api.client.delete("/api/v1/auth/token", headers=first).status_code == 401
    headers = {"Authorization": f"Bearer {other}"}
    assert api.client.get("/api/v1/process-definitions", headers=headers).status_code == 200
    assert [row.actor for row in audit(api, "token_revoked")] == ["clerk"]


def test_limits_are_settings(database_url, clock, sandbox, tmp_path):
    from tests.conftest import make_app

    strict = make_app(database_url, clock, sandbox, tmp_path, sign_in_max_failures=2, sign_in_window_minutes=1.0)
    with strict.app_context():
        strict.extensions["lieta_engine"].users.create("clerk", "secret-clerk", ["clerk"])
    http = strict.test_client()
    for _ in range(2):
        assert http.post("/api/v1/auth/token", json={"username": "clerk", "password": "x"}).status_code == 401
    refused = http.post("/api/v1/auth/token", json={"username": "clerk", "password": "secret-clerk"})
    with strict.app_context():
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"


def test_the_throttle_message_is_latvian_by_default(api):
    for _ in range(5):
        sign_in(api, "clerk", "wrong")
    refused = api.client.post("/api/v1/auth/token", json={"username": "clerk", "password": "x"},
                              environ_base={"REMOTE_ADDR": HOME}, headers={"Accept-Language": "lv"})
    assert refused.status_code == 429
    assert refused.json["message"] == "pārāk daudz neveiksmīgu pieteikšanās mēģinājumu: mēģiniet vēlreiz pēc 15 minūtēm"


def test_the_scheduler_forgets_counters_whose_window_has_passed(api, app, clock):
    from sqlalchemy import func

    from engine.models import SignInThrottle
    from webapp.scheduler import holder_name, run_engine_jobs

    def counters():
        with app.app_context():
            from webapp.extensions import db

            return db.session.scalar(select(func.count()).select_from(SignInThrottle))

    sign_in(api, "clerk", "wrong")
    clock.advance(timedelta(minutes=10))
    sign_in(api, "ghost", "wrong", client=ELSEWHERE)
    assert counters() == 4  # (clerk, home), home, (ghost, elsewhere), elsewhere
    clock.advance(timedelta(minutes=5))
    assert run_engine_jobs(app, holder_name())["sign_in_counters"] == 2
    assert counters() == 2
