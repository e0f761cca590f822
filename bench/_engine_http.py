"""The HTTP part of `bench/engine.py`: a database holding many instances, a real gunicorn
server, and one keep-alive client completing tasks one request at a time.

Starting 100,000 instances through the service layer would take far longer than the measurement,
so the filler instances are bulk copies of one started instance (its `process_instances` row and
its ready `human_tasks` row and that row's offers under new ids). Their state still names the template's task UUIDs,
which is harmless because they are never completed; the instances that are completed are started
through the service layer like any other.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench._engine_db import PASSWORD, REPO, BenchDatabase, open_engine, seed

FILL_BATCH = 5000
SERVER_START_SECONDS = 60.0


@dataclass
class HttpResult:
    kind: str
    instances_in_db: int
    fill_seconds: float
    completions: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    # The server starts with an empty workflow cache: an instance's first completion loads and
    # deserializes its state from the database ("cold"); later ones find it cached ("warm").
    cold_ms: list[float] = field(default_factory=list)
    warm_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.completions / self.seconds

    def p(self, q: float, which: str = "all") -> float:
        values = {"all": self.latencies_ms, "cold": self.cold_ms, "warm": self.warm_ms}[which]
        return percentile(values, q)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, never interpolated."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# --- the database ------------------------------------------------------------------------------


def prepare(database: BenchDatabase, sandbox, bpmn_files: dict[str, str], process_id: str,
            total: int, measured: int, say) -> tuple[list[str], float]:
    """Seed, start `measured` instances normally and fill up to `total` instances in all.
    Returns the measured instance ids and the fill time."""
    handle = seed(open_engine(database, sandbox), bpmn_files)
    try:
        engine, clerk = handle.engine, handle.clerk
        template = engine.instances.start(clerk, process_id)
        ids = [engine.instances.start(clerk, process_id).id for _ in range(measured)]
        fillers = max(0, total - measured - 1)
        t0 = time.perf_counter()
        _bulk_copy(handle.session.get_bind(), template.id, fillers, say)
        fill_seconds = time.perf_counter() - t0
    finally:
        handle.close()
    return ids, fill_seconds


def _bulk_copy(bind, template_id: str, copies: int, say) -> None:
    from sqlalchemy import insert, select, text

    from engine.models import HumanTask, ProcessInstance, TaskOffer
    from engine.services.offers import offer_rows

    instances, tasks = ProcessInstance.__table__, HumanTask.__table__
    with bind.begin() as conn:
        instance_row = dict(conn.execute(select(instances).where(instances.c.id == template_id)).mappings().one())
        task_row = dict(conn.execute(select(tasks).where(tasks.c.instance_id == template_id)).mappings().one())
    done = 0
    while done < copies:
        batch = min(FILL_BATCH, copies - done)
        new_ids = [str(uuid.uuid4()) for _ in range(batch)]
        # One transaction per batch keeps the SQLite WAL and PostgreSQL's memory bounded.
        with bind.begin() as conn:
            conn.execute(insert(instances), [{**instance_row, "id": i} for i in new_ids])
            task_rows = [{**task_row, "id": str(uuid.uuid4()), "instance_id": i} for i in new_ids]
            conn.execute(insert(tasks), task_rows)
            conn.execute(insert(TaskOffer.__table__), [offer for row in task_rows for offer in offer_rows(row)])
        done += batch
        if done % 20000 < FILL_BATCH or done == copies:
            say(f"    filled {done:,} of {copies:,} instances")
    # A production database has planner statistics; a freshly bulk-loaded one would not.
    with bind.begin() as conn:
        conn.execute(text("ANALYZE"))


# --- the server --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn() -> str:
    beside_python = Path(sys.executable).parent / "gunicorn"
    return str(beside_python if beside_python.exists() else REPO / ".venv" / "bin" / "gunicorn")


@contextlib.contextmanager
def gunicorn_server(database: BenchDatabase, workdir: Path, workers: int = 1, access_log: bool = False) -> Iterator[str]:
    """`make serve`'s server (`workers` × 4 threads, with its access log if asked), stopped on
    exit even after errors."""
    import requests

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "LIETA_INSTANCE_PATH": str(workdir / "instance"),
        # The client signs in once; production hashing cost would only slow the set-up.
        "LIETA_ARGON2_TIME_COST": "1",
        "LIETA_ARGON2_MEMORY_KIB": "1024",
    }
    env.pop("LIETA_SCHEDULER", None)  # no background jobs competing with the measured requests
    log_path = Path(os.environ.get("BENCH_SERVER_LOG") or workdir / f"gunicorn-{database.kind}.log")
    with open(log_path, "wb") as log:
        logging = ["--access-logfile", "-"] if access_log else []
        proc = subprocess.Popen(
            [_gunicorn(), "--workers", str(workers), "--threads", "4", "--bind", f"127.0.0.1:{port}", *logging,
             "webapp:create_app()"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}:\n{log_path.read_text()[-2000:]}")
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still importing (slow on a busy machine)
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz within {SERVER_START_SECONDS:.0f} s; see {log_path}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the client --------------------------------------------------------------------------------


class Client:
    def __init__(self, base: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()  # keep-alive: one TCP connection for the whole run

    def sign_in(self, username: str) -> None:
        reply = self.http.post(f"{self.base}/api/v1/auth/token", json={"username": username, "password": PASSWORD})
        reply.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {reply.json()['access_token']}"

    def ready_tasks(self, instance_id: str) -> list[str]:
        reply = self.http.get(f"{self.base}/api/v1/tasks", params={"process_instance_id": instance_id, "state": "ready"})
        reply.raise_for_status()
        return [task["id"] for task in reply.json()]

    def complete(self, task_id: str) -> float:
        t0 = time.perf_counter()
        reply = self.http.post(f"{self.base}/api/v1/tasks/{task_id}/complete", json={"data": {}})
        elapsed = time.perf_counter() - t0
        if reply.status_code != 200:
            raise RuntimeError(f"completing task {task_id} answered {reply.status_code}: {reply.text[:500]}")
        return elapsed * 1000.0


def measure(base: str, username: str, instance_ids: list[str], warmup: int) -> tuple[float, list[float], list[float], list[float]]:
    """Complete every task of the given instances in rounds: the ready task ids of all instances
    are fetched first (not timed), then one request after another completes them (timed), so
    the timed stretch holds nothing but completion requests. The first `warmup` instances are
    completed untimed (first requests import lazily and parse the spec)."""
    client = Client(base)
    client.sign_in(username)
    for instance_id in instance_ids[:warmup]:
        while ids := client.ready_tasks(instance_id):
            for task_id in ids:
                client.complete(task_id)
    pending = list(instance_ids[warmup:])
    seen: set[str] = set()
    latencies: list[float] = []
    cold: list[float] = []
    warm: list[float] = []
    seconds = 0.0
    while pending:
        batch: list[tuple[str, str]] = []
        still_open = []
        for instance_id in pending:
            task_ids = client.ready_tasks(instance_id)
            if task_ids:
                still_open.append(instance_id)
                batch.extend((instance_id, task_id) for task_id in task_ids)
        pending = still_open
        t0 = time.perf_counter()
        for instance_id, task_id in batch:
            ms = client.complete(task_id)
            latencies.append(ms)
            (warm if instance_id in seen else cold).append(ms)
            seen.add(instance_id)
        seconds += time.perf_counter() - t0
    return seconds, latencies, cold, warm


def run(database: BenchDatabase, sandbox, workdir: Path, bpmn_files: dict[str, str], process_id: str,
        total: int, measured: int, warmup: int, say) -> HttpResult:
    say(f"  HTTP: preparing {total:,} instances ({measured + warmup} started through the service layer)")
    ids, fill_seconds = prepare(database, sandbox, bpmn_files, process_id, total, measured + warmup, say)
    say(f"  HTTP: filled in {fill_seconds:.1f} s; starting gunicorn (1 worker, 4 threads)")
    with gunicorn_server(database, workdir) as base:
        seconds, latencies, cold, warm = measure(base, "bench-clerk", ids, warmup)
    return HttpResult(database.kind, total, fill_seconds, len(latencies), seconds, latencies, cold, warm)
