"""A real Lieta server process for tests that must kill and restart one, and the database checks
such tests (and the concurrency tests) run afterwards.

The server is gunicorn, as `make serve` runs it, started directly (no shell) in a session of its
own: the master, its worker and any sandbox evaluators share one process group, so a SIGKILL to
that group leaves nothing behind, exactly as a crashed container would. It only ever listens on
and is only ever reached at 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import requests
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import func, select

from engine.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, TaskOffer, TaskState
from engine.serialization import load_state
from engine.services.offers import offer_keys

LOOPBACK = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
POLL_INTERVAL_S = 0.05


def free_port() -> int:
    """A loopback port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class ServerError(RuntimeError):
    pass


class LietaServer:
    """A gunicorn master with threaded workers (one by default) on the given database.

    The port stays the same across restarts, so clients keep their base URL; gunicorn binds with
    SO_REUSEADDR, so a port freed by a SIGKILL can be bound again at once.
    """

    def __init__(
        self, database_url: str, instance_path: Path, log_path: Path, *, threads: int = 4, workers: int = 1,
        environment: dict[str, str] | None = None,
    ) -> None:
        """`environment` adds to or overrides the settings below (e.g. the scheduler on)."""
        self.database_url = database_url
        self.instance_path = instance_path
        self.log_path = log_path
        self.threads = threads
        self.workers = workers
        self.extra_environment = dict(environment or {})
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def _environment(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("LIETA_", "DATABASE_URL"))}
        env.update(
            DATABASE_URL=self.database_url,
            LIETA_INSTANCE_PATH=str(self.instance_path),
            # Cheap hashing and no background jobs: the test drives everything itself.
            LIETA_ARGON2_TIME_COST="1",
            LIETA_ARGON2_MEMORY_KIB="1024",
            LIETA_SCHEDULER="0",
            LIETA_SANDBOX_WORKERS="1",
            PYTHONPATH=str(REPO_ROOT),
        )
        env.update(self.extra_environment)
        return env

    def start(self) -> None:
        if self.process is not None:
            raise ServerError("the server is already running")
        command = [
            sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--threads", str(self.threads),
            "--bind", f"{LOOPBACK}:{self.port}", "--graceful-timeout", "2", "webapp:create_app()",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=self._environment(), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.starts += 1
        try:
            self._wait_until_healthy()
        except BaseException:
            self.kill()
            raise

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"the server exited with {self.process.returncode} while starting:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass  # not listening yet
            time.sleep(POLL_INTERVAL_S)
        raise ServerError(f"the server did not answer /healthz within {START_TIMEOUT_S} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the whole process group (master, worker, evaluators): a crash, not a stop."""
        self._signal_group_and_reap(signal.SIGKILL)

    def stop(self) -> None:
        """A clean stop (SIGTERM), falling back to SIGKILL if gunicorn does not exit in time."""
        self._signal_group_and_reap(signal.SIGTERM)

    def _signal_group_and_reap(self, signum: int) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        group = process.pid  # start_new_session made the master the leader of its own group
        _signal_group(group, signum)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            _signal_group(group, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_S)
        # The worker is not our child: after the master died it is reparented and reaped by init.
        # Wait (bounded) until no member of the group is left, so the next start owns the port.
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while _group_alive(group):
            if time.monotonic() > deadline:
                raise ServerError(f"processes of group {group} survived signal {signum}")
            _signal_group(group, signal.SIGKILL)
            time.sleep(POLL_INTERVAL_S)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def __enter__(self) -> LietaServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _signal_group(group: int, signum: int) -> None:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- consistency of what was written -------------------------------------------------------------


def completion_audit_counts(session, instance_id: str | None = None) -> Counter:
    """How many `task_completed` audit rows each task has (more than one is a double completion)."""
    query = select(AuditEvent.task_id, func.count()).where(AuditEvent.event == "task_completed")
    if instance_id is not None:
        query = query.where(AuditEvent.instance_id == instance_id)
    return Counter(dict(session.execute(query.group_by(AuditEvent.task_id)).all()))


def instance_problems(engine, instance_id: str) -> list[str]:
    """Everything wrong with one stored instance, as sentences (empty when it is consistent).

    The stored workflow must load with its spec, and three records must tell the same story: the
    workflow's task states, the `human_tasks` projection (with its offers index), and the audit
    trail.
    """
    session = engine.session()
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        return [f"instance {instance_id} does not exist"]
    definition = engine.specs.get(session, instance.definition_id)
    try:
        workflow = load_state(instance.state, definition.spec, definition.subprocess_specs)
    except Exception as err:  # noqa: BLE001 - any failure to load is the finding, reported with its text
        return [f"instance {instance_id} does not load: {type(err).__name__}: {err}"]
    problems = []
    ready = {str(t.id) for t in workflow.get_tasks(state=SpiffState.READY, manual=True)}
    completed = {str(t.id) for t in workflow.get_tasks(state=SpiffState.COMPLETED, manual=True)}
    rows = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)))
    ready_rows = {row.id for row in rows if row.state == TaskState.READY}
    completed_rows = {row.id for row in rows if row.state == TaskState.COMPLETED}
    if ready_rows != ready:
        problems.append(f"ready in the workflow {sorted(ready)} but ready in human_tasks {sorted(ready_rows)}")
    # The stored tree keeps only the recent completed tasks (engine/pruning.py drops the finished
    # history; the audit rows, checked below, keep all of it): those it keeps must be completed rows.
    if not completed <= completed_rows:
        problems.append(f"completed in the workflow {sorted(completed)} but in human_tasks {sorted(completed_rows)}")
    offered = set(session.execute(select(TaskOffer.task_id, TaskOffer.key).where(TaskOffer.instance_id == instance_id)).all())
    keyed = {(row.id, key) for row in rows if row.state == TaskState.READY for key in offer_keys(row.role, row.candidates, row.unit)}
    if offered != keyed:
        problems.append(f"task_offers {sorted(offered)} but the open rows' keys are {sorted(keyed)}")
    audited = completion_audit_counts(session, instance_id)
    if twice := sorted(task for task, n in audited.items() if n > 1):
        problems.append(f"tasks with more than one task_completed audit row: {twice}")
    if set(audited) != completed_rows:
        problems.append(f"task_completed audit rows for {sorted(audited)} but completed rows {sorted(completed_rows)}")
    expected_status = InstanceStatus.COMPLETED if workflow.completed else InstanceStatus.RUNNING
    if instance.status != expected_status:
        problems.append(f"status {instance.status!r} but the workflow says {expected_status!r}")
    return problems
