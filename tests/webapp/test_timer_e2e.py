"""The one timer test on the wall clock: a real gunicorn server with its APScheduler job on
(`LIETA_SCHEDULER=1`, polling every 0.5 s) sees a 2-second timer fall due and fires it on its own.

A client deploys `register → timer "PT2S" → after` over HTTP, starts an instance, completes
`register`, and polls the instance until `after` is ready. The timer must not fire before 2 s
have passed since the completion was sent, must fire within a few polls after that, and must
fire once — also with `--workers 2`: two web processes, each with its own scheduler, on one
database (on SQLite the `engine-jobs` lease lets one of them poll; on PostgreSQL both poll and
`FOR UPDATE SKIP LOCKED` hands the timer to one).
"""

from __future__ import annotations

import io
import time
from datetime import datetime, timedelta

import pytest
import requests

from tests.support.bpmn_builder import ProcessBuilder
from tests.support.server import LietaServer

PROCESS_ID = "two_seconds"
DELAY_S = 2.0
POLL_SECONDS = 0.5
# Due after 2 s; the scheduler looks every 0.5 s; a loaded 2-core machine may add a few seconds.
FIRE_BOUND_S = 10.0
DEADLINE_S = 20.0
REQUEST_TIMEOUT_S = 10.0
CLIENT_POLL_S = 0.05


def timed_process() -> str:
    p = ProcessBuilder(PROCESS_ID)
    p.start()
    p.user_task("register", "Register", lane="Clerk")
    p.timer_catch("wait", '"PT2S"')
    p.user_task("after", "After two seconds", lane="Clerk")
    p.end()
    p.chain("start", "register", "wait", "after", "end")
    return p.xml()


def create_users(app) -> None:
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        engine.users.create("analyst", "secret-analyst", ["process_analyst"])
        engine.users.create("clerk", "secret-clerk", ["clerk"])
        from webapp.extensions import db

        db.session.remove()
        db.engine.dispose()  # from here on only the server touches the database


def signed_in(base_url: str, username: str) -> requests.Session:
    http = requests.Session()
    response = http.post(
        f"{base_url}/api/v1/auth/token", json={"username": username, "password": "secret-" + username},
        timeout=REQUEST_TIMEOUT_S,
    )
    assert response.status_code == 200, response.text
    http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    http.headers["Accept-Language"] = "en"
    return http


def ready_elements(http: requests.Session, base_url: str, instance_id: str) -> list[str]:
    response = http.get(f"{base_url}/api/v1/process-instances/{instance_id}", timeout=REQUEST_TIMEOUT_S)
    assert response.status_code == 200, response.text
    return [task["element_id"] for task in response.json()["ready_tasks"]]


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2], ids=["1-worker", "2-workers"])
def test_the_running_server_fires_a_two_second_timer_once(app, database_url, tmp_path, workers):
    create_users(app)
    server = LietaServer(
        database_url, tmp_path / "server-instance", tmp_path / "server.log", workers=workers,
        environment={"LIETA_SCHEDULER": "1", "LIETA_TIMER_POLL_SECONDS": str(POLL_SECONDS)},
    )
    with server:
        base = server.base_url
        analyst, clerk = signed_in(base, "analyst"), signed_in(base, "clerk")
        files = {"files": ("two_seconds.bpmn", io.BytesIO(timed_process().encode()))}
        deployed = analyst.post(f"{base}/api/v1/deployments", files=files, timeout=REQUEST_TIMEOUT_S)
        assert deployed.status_code == 201, deployed.text
        started = clerk.post(f"{base}/api/v1/process-instances", json={"process_id": PROCESS_ID}, timeout=REQUEST_TIMEOUT_S)
        assert started.status_code == 201, started.text
        instance_id = started.json()["id"]
        assert ready_elements(clerk, base, instance_id) == ["register"]
        [register] = clerk.get(
            f"{base}/api/v1/tasks", params={"process_instance_id": instance_id, "state": "ready"},
            timeout=REQUEST_TIMEOUT_S,
        ).json()

        sent = time.monotonic()  # before the request: the server starts the 2 s after this
        done = clerk.post(f"{base}/api/v1/tasks/{register['id']}/complete", json={"data": {}}, timeout=REQUEST_TIMEOUT_S)
        assert done.status_code == 200, done.text
        seen_waiting: list[float] = []
        while (elapsed := time.monotonic() - sent) < DEADLINE_S:
            ready = ready_elements(clerk, base, instance_id)
            if ready == ["after"]:
                break
            assert ready == [], f"unexpected ready tasks {ready} after {elapsed:.2f} s"
            seen_waiting.append(elapsed)
            time.sleep(CLIENT_POLL_S)  # the one wall-clock wait: the server's own scheduler acts
        else:
            pytest.fail(f"the timer did not fire within {DEADLINE_S} s:\n{server.log_tail()}")
        # A second scheduler that fired the same timer again would do so at its next poll: keep
        # reading the history for three poll intervals.
        watch_until = time.monotonic() + 3 * POLL_SECONDS
        histories = []
        while not histories or time.monotonic() < watch_until:
            response = clerk.get(f"{base}/api/v1/process-instances/{instance_id}/history", timeout=REQUEST_TIMEOUT_S)
            assert response.status_code == 200, response.text
            histories.append(response.json())
            time.sleep(CLIENT_POLL_S)

    print(f"\n{workers} worker(s): the 2 s timer was seen fired {elapsed:.2f} s after the completion was sent "
          f"(last seen waiting at {max(seen_waiting):.2f} s, {len(seen_waiting)} polls)")
    assert elapsed >= DELAY_S, f"fired after {elapsed:.2f} s, before its 2 s were up"
    assert seen_waiting and max(seen_waiting) < elapsed, "the client never saw the timer waiting"
    assert elapsed <= FIRE_BOUND_S, f"fired only after {elapsed:.2f} s"
    history = histories[-1]
    assert all(h == history for h in histories), "the history changed after the firing"
    events = [entry["event"] for entry in history]
    assert events.count("timer_fired") == 1, events
    assert events.count("task_completed") == 1, events
    by_event = {entry["event"]: entry for entry in history}
    completed_at = datetime.fromisoformat(by_event["task_completed"]["at"])
    fired_at = datetime.fromisoformat(by_event["timer_fired"]["at"])
    due_at = datetime.fromisoformat(by_event["timer_fired"]["data"]["due_at"])
    # The timer starts when the engine reaches it, moments after the completion is recorded.
    assert timedelta(seconds=DELAY_S) <= due_at - completed_at < timedelta(seconds=DELAY_S + 1), (completed_at, due_at)
    assert due_at <= fired_at < due_at + timedelta(seconds=FIRE_BOUND_S - DELAY_S), (due_at, fired_at)
