"""Acceptance (engine core): a server process killed with SIGKILL at random moments during a stream
of completions loses no acknowledged completion, and every instance loads after the restart.

Client threads stream completions over HTTP, each on instances of its own, and record every one
the server acknowledged (200). The test kills the server (master and worker, SIGKILL) after a
seeded random number of further acknowledgements, so other completions are in flight at every
stage of a request when it dies, restarts it on the same database and port, and lets the stream
go on. Completions cut off in flight were never acknowledged: each must have happened entirely
(task completed, one audit row) or not at all.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from engine.models import HumanTask, ProcessInstance, TaskState
from tests.support.bpmn_builder import linear_process
from tests.support.server import LietaServer, completion_audit_counts, instance_problems

SEED = 20270104
KILLS = 5
ACKS_BETWEEN_KILLS = (5, 30)
ACKS_AFTER_LAST_RESTART = 20
CLIENTS = 3
INSTANCES_PER_CLIENT = 2
TASKS_PER_INSTANCE = 60  # more than the stream can use up, so it never runs dry before the last kill
REQUEST_TIMEOUT_S = 10.0
PROGRESS_TIMEOUT_S = 60.0


@dataclass
class Ledger:
    """What the clients sent and what the server acknowledged, shared by the client threads."""

    attempted: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    unexpected: list[str] = field(default_factory=list)
    clients_done: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def attempt(self, task_id: str) -> None:
        with self.changed:
            self.attempted.add(task_id)

    def acknowledge(self, task_id: str) -> None:
        with self.changed:
            self.acknowledged.add(task_id)
            self.changed.notify_all()

    def surprise(self, text: str) -> None:
        with self.changed:
            self.unexpected.append(text)
            self.changed.notify_all()

    def client_done(self) -> None:
        with self.changed:
            self.clients_done += 1
            self.changed.notify_all()

    def wait_for_acks(self, count: int, timeout: float) -> bool:
        """Until `count` completions were acknowledged; False if the clients stopped or time ran out."""
        with self.changed:
            return self.changed.wait_for(
                lambda: len(self.acknowledged) >= count or self.clients_done == CLIENTS or self.unexpected, timeout
            ) and len(self.acknowledged) >= count


def complete_next_task(http: requests.Session, base_url: str, instance_id: str, ledger: Ledger) -> bool:
    """Complete the instance's ready task; False when it has none left. A connection error (the
    server died) propagates: the completion in flight, if any, stays unacknowledged."""
    ready = http.get(
        f"{base_url}/api/v1/tasks", params={"process_instance_id": instance_id, "state": "ready"}, timeout=REQUEST_TIMEOUT_S
    )
    if ready.status_code != 200 or len(ready.json()) > 1:
        ledger.surprise(f"listing ready tasks of {instance_id}: {ready.status_code} {ready.text[:300]}")
        return False
    if not ready.json():
        return False
    task_id = ready.json()[0]["id"]
    ledger.attempt(task_id)
    done = http.post(f"{base_url}/api/v1/tasks/{task_id}/complete", json={"data": {"last": task_id}}, timeout=REQUEST_TIMEOUT_S)
    if done.status_code == 200 and done.json()["state"] == TaskState.COMPLETED:
        ledger.acknowledge(task_id)
        return True
    ledger.surprise(f"completing {task_id}: {done.status_code} {done.text[:300]}")
    return False


def stream_completions(base_url: str, token: str, instance_ids: list[str], ledger: Ledger,
                       server_up: threading.Event, stop: threading.Event) -> None:
    """One client thread: round-robin over its instances until told to stop or all are finished."""
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    open_instances = list(instance_ids)
    try:
        while open_instances and not stop.is_set() and not ledger.unexpected:
            for instance_id in list(open_instances):
                if not server_up.wait(PROGRESS_TIMEOUT_S):
                    ledger.surprise("the server did not come back")
                    return
                try:
                    if not complete_next_task(http, base_url, instance_id, ledger):
                        open_instances.remove(instance_id)
                except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                    # Killed mid-request (or mid-response: then the completion may have committed
                    # but was not acknowledged). The next request waits for the restart; pooled
                    # connections to the dead server are dropped so none is reused.
                    http.close()
                except requests.RequestException as err:
                    ledger.surprise(f"request for {instance_id} failed: {type(err).__name__}: {err}")
                    return
    finally:
        http.close()
        ledger.client_done()


def prepare_instances(app, count: int) -> tuple[list[str], str]:
    """Deploy a long linear process, start the instances and issue the clients' bearer token."""
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        analyst = engine.users.create("analyst", "secret-analyst", ["process_analyst"])
        clerk = engine.users.create("clerk", "secret-clerk", ["clerk"])
        engine.deployments.deploy(analyst, [("long.bpmn", linear_process("long", tasks=TASKS_PER_INSTANCE).encode())])
        ids = [engine.instances.start(clerk, "long", business_key=f"CRASH-{i}").id for i in range(count)]
        token = engine.users.issue_token(clerk)
        from webapp.extensions import db

        db.engine.dispose()  # the server is the only writer from now on
    return ids, token


def kill_and_restart(server: LietaServer, ledger: Ledger, server_up: threading.Event, rng: random.Random) -> None:
    """Let a random number of completions be acknowledged, then SIGKILL the server and restart it."""
    target = len(ledger.acknowledged) + rng.randint(*ACKS_BETWEEN_KILLS)
    assert ledger.wait_for_acks(target, PROGRESS_TIMEOUT_S), (target, len(ledger.acknowledged), ledger.unexpected)
    server_up.clear()
    server.kill()
    server.start()
    server_up.set()


def check_over_http(server: LietaServer, token: str, instance_ids: list[str]) -> list[str]:
    """The restarted server answers for every instance, with a status its ready tasks agree with."""
    problems = []
    headers = {"Authorization": f"Bearer {token}"}
    for instance_id in instance_ids:
        response = requests.get(f"{server.base_url}/api/v1/process-instances/{instance_id}", headers=headers, timeout=REQUEST_TIMEOUT_S)
        if response.status_code != 200:
            problems.append(f"GET instance {instance_id}: {response.status_code} {response.text[:300]}")
            continue
        body = response.json()
        expected = "completed" if not body["ready_tasks"] else "running"
        if body["status"] != expected or len(body["ready_tasks"]) > 1:
            problems.append(f"instance {instance_id} is {body['status']} with ready tasks {body['ready_tasks']}")
    return problems


def check_database(app, instance_ids: list[str], ledger: Ledger) -> list[str]:
    """Every acknowledged completion is stored with its audit row; every instance is consistent,
    which also makes each completion cut off in flight all-or-nothing, and none happen twice."""
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        session = engine.session()
        audited = completion_audit_counts(session)
        states = dict(session.execute(select(HumanTask.id, HumanTask.state)).all())
        problems = [
            f"acknowledged completion of {task_id} is {states.get(task_id)} with {audited[task_id]} audit rows"
            for task_id in sorted(ledger.acknowledged)
            if states.get(task_id) != TaskState.COMPLETED or audited[task_id] != 1
        ]
        for task_id in sorted(ledger.attempted - ledger.acknowledged):
            if (states.get(task_id), audited[task_id]) not in ((TaskState.COMPLETED, 1), (TaskState.READY, 0)):
                problems.append(f"unacknowledged {task_id} is {states.get(task_id)} with {audited[task_id]} audit rows")
        stored = set(session.scalars(select(ProcessInstance.id)))
        if stored != set(instance_ids):
            problems.append(f"instances {sorted(stored ^ set(instance_ids))} appeared or vanished")
        for instance_id in instance_ids:
            problems.extend(instance_problems(engine, instance_id))
        return problems


@pytest.mark.slow
def test_sigkilled_server_keeps_every_acknowledged_completion(app, database_url, tmp_path: Path):
    instance_ids, token = prepare_instances(app, CLIENTS * INSTANCES_PER_CLIENT)
    server = LietaServer(database_url, tmp_path / "server-instance", tmp_path / "server.log")
    ledger = Ledger()
    server_up, stop = threading.Event(), threading.Event()
    clients = [
        threading.Thread(
            target=stream_completions, name=f"client-{i}",
            args=(server.base_url, token, instance_ids[i::CLIENTS], ledger, server_up, stop),
        )
        for i in range(CLIENTS)
    ]
    rng = random.Random(SEED)
    started = time.monotonic()
    server.start()
    try:
        server_up.set()
        for client in clients:
            client.start()
        for _ in range(KILLS):
            kill_and_restart(server, ledger, server_up, rng)
        final = len(ledger.acknowledged) + ACKS_AFTER_LAST_RESTART
        assert ledger.wait_for_acks(final, PROGRESS_TIMEOUT_S), (final, len(ledger.acknowledged), ledger.unexpected)
        stop.set()
        for client in clients:
            client.join(PROGRESS_TIMEOUT_S)
        assert not any(client.is_alive() for client in clients), "a client thread did not stop"
        assert not ledger.unexpected, ledger.unexpected[:10]
        http_problems = check_over_http(server, token, instance_ids)
    finally:
        stop.set()
        server_up.set()  # release clients waiting for a server that will not come back
        server.stop()
        for client in clients:
            if client.ident is not None:
                client.join(PROGRESS_TIMEOUT_S)

    assert server.starts == KILLS + 1
    assert not http_problems, http_problems[:10]
    db_problems = check_database(app, instance_ids, ledger)
    assert not db_problems, f"{len(db_problems)} problems after {KILLS} kills:\n" + "\n".join(db_problems[:15])
    assert len(ledger.acknowledged) >= KILLS * ACKS_BETWEEN_KILLS[0] + ACKS_AFTER_LAST_RESTART
    print(
        f"{len(ledger.acknowledged)} acknowledged, {len(ledger.attempted - ledger.acknowledged)} cut off in flight, "
        f"{KILLS} kills, {time.monotonic() - started:.1f} s"
    )
