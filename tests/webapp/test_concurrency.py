"""Acceptance (engine core): racers complete the same ready task at the same moment; exactly one
succeeds, every other one gets a conflict (HTTP 409), and the instance stays consistent.

Two kinds of racers, each over 200 repetitions (one fresh instance per repetition):
- 8 threads of one web process, released together by a `threading.Barrier`. They share that
  process's workflow cache: the racer that checks the cached workflow out works on it, the others
  load their own copy from the database.
- 2 long-lived OS processes (spawned, each with its own app, engine and cache) on the same
  database, released together by a `multiprocessing.Barrier`.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import select

from engine.errors import Conflict
from engine.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, TaskState
from tests.support.bpmn_builder import linear_process
from tests.support.server import instance_problems

PROCESS_ID = "race"
REPETITIONS = 200
THREADS = 8
PROCESSES = 2
BARRIER_TIMEOUT_S = 30.0
# A repetition takes milliseconds (a worker process needs a few seconds to build its app first);
# the racing of all repetitions is bounded by this deadline.
RUN_TIMEOUT_S = 240.0

OK = "ok"
CONFLICT = "conflict"
# A loser that got as far as writing fails the optimistic version check (or SQLite refuses it the
# write lock): its Conflict is caused by the database error. Without a cause, it saw the task done.
AT_COMMIT = "conflict at commit"
BEFORE_COMMIT = "conflict before commit"


@dataclass(frozen=True)
class Race:
    instance_id: str
    task_id: str
    lock_version: int


def racer_names(count: int) -> list[str]:
    return [f"clerk_{i}" for i in range(count)]


def engine_of(app):
    return app.extensions["lieta_engine"]


def prepare_races(app, racers: list[str], repetitions: int) -> list[Race]:
    """Users, the 2-task process, and one started instance per repetition with its first task ready."""
    with app.app_context():
        engine = engine_of(app)
        analyst = engine.users.create("analyst", "secret-analyst", ["process_analyst"])
        for name in racers:
            engine.users.create(name, "secret-" + name, ["clerk"])
        engine.deployments.deploy(analyst, [("race.bpmn", linear_process(PROCESS_ID, tasks=2).encode())])
        starter = engine.users.by_username(racers[0])
        races = []
        for rep in range(repetitions):
            instance = engine.instances.start(starter, PROCESS_ID, business_key=f"RACE-{rep}")
            (task,) = engine.tasks.inbox_for_instance(instance.id)
            races.append(Race(instance.id, task.id, instance.lock_version))
        return races


def attempt_completion(engine, username: str, task_id: str) -> str:
    """One racer's try: "ok", "conflict: <message>", or the text of anything else that happened.

    The racer's name goes into the task data, so the stored state shows whose change won.
    """
    user = engine.users.by_username(username)
    try:
        engine.tasks.complete(user, task_id, {"winner": username})
    except Conflict as err:
        return f"{AT_COMMIT if err.__cause__ is not None else BEFORE_COMMIT}: {err.message}"
    except Exception as err:  # noqa: BLE001 - any other outcome fails the test, so keep its text
        return f"unexpected {type(err).__name__}: {err}"
    return OK


def winner_of(outcomes: dict[str, str]) -> tuple[str | None, list[str]]:
    """The single winner (or None) and a sentence for each outcome that breaks the rules."""
    winners = [name for name, outcome in outcomes.items() if outcome == OK]
    problems = [f"{name}: {outcome}" for name, outcome in outcomes.items() if outcome != OK and not outcome.startswith(CONFLICT)]
    if len(winners) != 1:
        problems.append(f"{len(winners)} racers succeeded ({winners}), expected exactly one")
    return (winners[0] if len(winners) == 1 else None), problems


def race_problems(engine, race: Race, outcomes: dict[str, str], racers: list[str]) -> tuple[str | None, list[str]]:
    """Check one repetition in the database: the outcomes, the winner's change and nothing else."""
    if sorted(outcomes) != sorted(racers):
        return None, [f"outcomes only from {sorted(outcomes)}"]
    winner, problems = winner_of(outcomes)
    session = engine.session()
    instance = session.get(ProcessInstance, race.instance_id)
    if instance.lock_version != race.lock_version + 1:
        problems.append(f"lock_version went from {race.lock_version} to {instance.lock_version}, expected +1")
    task = session.get(HumanTask, race.task_id)
    audit = list(session.scalars(
        select(AuditEvent).where(AuditEvent.event == "task_completed", AuditEvent.task_id == race.task_id)
    ))
    if task.state != TaskState.COMPLETED or len(audit) != 1:
        problems.append(f"raced task is {task.state} with {len(audit)} task_completed audit rows, expected completed/1")
    ready = [t for t in engine.tasks.inbox_for_instance(race.instance_id) if t.state == TaskState.READY]
    if [t.element_id for t in ready] != ["task_2"]:
        problems.append(f"ready rows {[t.element_id for t in ready]}, expected exactly ['task_2']")
    if winner is not None:
        winner_id = engine.users.by_username(winner).id
        if task.completed_by != winner_id or [a.actor for a in audit] != [winner]:
            problems.append(f"the stored completion is not the winner {winner}'s")
        if instance.data.get("winner") != winner:
            problems.append(f"stored data says {instance.data.get('winner')!r} won, the racers say {winner!r}")
    problems.extend(instance_problems(engine, race.instance_id))
    return winner, problems


def cached_ready_ids(engine, instance_id: str, lock_version: int) -> set[str] | None:
    """The ready manual tasks of the cached workflow at that version (None if not cached), left cached."""
    workflow = engine.workflows.checkout(instance_id, lock_version)
    if workflow is None:
        return None
    ready = {str(t.id) for t in workflow.get_tasks(state=SpiffState.READY, manual=True)}
    engine.workflows.checkin(instance_id, lock_version, workflow)
    return ready


def finish_after_race(engine, race: Race, winner: str) -> list[str]:
    """The winner completes the next task: it must see the state the race left behind."""
    (ready,) = [t for t in engine.tasks.inbox_for_instance(race.instance_id) if t.state == TaskState.READY]
    outcome = attempt_completion(engine, winner, ready.id)
    if outcome != OK:
        return [f"the winner's next completion failed: {outcome}"]
    engine.session().expire_all()
    instance = engine.session().get(ProcessInstance, race.instance_id)
    problems = [] if instance.status == InstanceStatus.COMPLETED else [f"status {instance.status} after the last task"]
    return problems + instance_problems(engine, race.instance_id)


def check_all(app, races: list[Race], outcomes: list[dict[str, str]], racers: list[str]) -> Counter:
    """Assert every repetition; return how the losers lost and how often the winner's workflow
    was still cached (so a test can check that both paths it claims to cover were taken)."""
    failures: list[str] = []
    counts: Counter = Counter()
    for rep, (race, rep_outcomes) in enumerate(zip(races, outcomes, strict=True)):
        with app.app_context():
            engine = engine_of(app)
            winner, problems = race_problems(engine, race, rep_outcomes, racers)
            if winner is not None and not problems:
                # The winner checks its workflow back in under the new version. A loser that read
                # the old version may evict it afterwards (a lost cache hit, harmless), but nothing
                # else may ever sit there: a loser's workflow would be served as the next state.
                ready_row = next(t.id for t in engine.tasks.inbox_for_instance(race.instance_id) if t.state == TaskState.READY)
                cached = cached_ready_ids(engine, race.instance_id, race.lock_version + 1)
                if cached is not None:
                    counts["winner cached"] += 1
                    if cached != {ready_row}:
                        problems.append(f"the cache holds ready tasks {cached} at version {race.lock_version + 1}, expected {{{ready_row}}}")
                problems.extend(finish_after_race(engine, race, winner))
        failures.extend(f"repetition {rep} ({race.instance_id}): {p}" for p in problems)
        for outcome in rep_outcomes.values():
            if outcome.startswith(CONFLICT):
                counts[outcome.partition(":")[0]] += 1
    assert not failures, f"{len(failures)} problems, the first ones:\n" + "\n".join(failures[:15])
    return counts


# --- 8 threads ------------------------------------------------------------------------------------


def thread_racer(app, name: str, races: list[Race], barrier: threading.Barrier, outcomes: list[dict[str, str]]) -> None:
    """One racing thread: for every repetition, a request's worth of work in its own app context."""
    for rep, race in enumerate(races):
        with app.app_context():
            try:
                barrier.wait(BARRIER_TIMEOUT_S)
            except threading.BrokenBarrierError:
                outcomes[rep][name] = "the barrier broke (another racer never arrived)"
                return
            outcomes[rep][name] = attempt_completion(engine_of(app), name, race.task_id)


@pytest.mark.slow
def test_eight_threads_complete_the_same_task_exactly_once(app):
    racers = racer_names(THREADS)
    races = prepare_races(app, racers, REPETITIONS)
    outcomes: list[dict[str, str]] = [{} for _ in races]
    barrier = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=thread_racer, args=(app, name, races, barrier, outcomes), name=f"racer-{name}")
        for name in racers
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + RUN_TIMEOUT_S
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(thread.is_alive() for thread in threads):
        barrier.abort()  # let the stuck racers go before failing
        pytest.fail("racing threads did not finish in time")

    counts = check_all(app, races, outcomes, racers)
    # Without losers that reached the commit the version check would be untested, and without
    # cached winners the next completion would never have run on a checked-in workflow.
    assert counts[AT_COMMIT] > 0 and counts["winner cached"] > 0, counts
    print(f"{THREADS} threads x {REPETITIONS}: {dict(counts)}")


# --- 2 OS processes -------------------------------------------------------------------------------


def build_worker_app(database_url: str, instance_path: str):
    """A racing process's own app, as a web process would build it (no shared memory with the test)."""
    from webapp import create_app

    os.environ["LIETA_INSTANCE_PATH"] = instance_path
    overrides = {"database_url": database_url, "argon2_time_cost": 1, "argon2_memory_kib": 1024}
    return create_app({"TESTING": True, "LIETA_SETTINGS_OVERRIDES": overrides})


def process_racer(database_url: str, instance_path: str, name: str, barrier, task_ids, results) -> None:
    """Body of one long-lived racing process: build the app once, then race for each task id it is
    sent, until it gets None (or nothing for a while: then the test is gone, and so is it)."""
    app = build_worker_app(database_url, instance_path)
    results.put(("ready", name, ""))
    try:
        while (item := task_ids.get(timeout=RUN_TIMEOUT_S)) is not None:
            rep, task_id = item
            with app.app_context():
                try:
                    barrier.wait(BARRIER_TIMEOUT_S)
                except threading.BrokenBarrierError:
                    results.put((rep, name, "the barrier broke (the other racer never arrived)"))
                    return
                results.put((rep, name, attempt_completion(engine_of(app), name, task_id)))
    finally:
        with app.app_context():
            from webapp.extensions import db

            db.engine.dispose()


def collect(results, count: int, deadline: float) -> list[tuple]:
    items = []
    while len(items) < count:
        try:
            items.append(results.get(timeout=max(0.1, deadline - time.monotonic())))
        except queue.Empty:
            pytest.fail(f"racing processes sent {len(items)} of {count} reports in time: {items[-5:]}")
    return items


@pytest.mark.slow
def test_two_processes_complete_the_same_task_exactly_once(app, database_url, tmp_path: Path):
    racers = racer_names(PROCESSES)
    races = prepare_races(app, racers, REPETITIONS)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    inboxes = {name: context.Queue() for name in racers}
    workers = [
        context.Process(
            target=process_racer, name=f"racer-{name}", daemon=True,
            args=(database_url, str(tmp_path / f"instance-{name}"), name, barrier, inboxes[name], results),
        )
        for name in racers
    ]
    for worker in workers:
        worker.start()
    try:
        deadline = time.monotonic() + RUN_TIMEOUT_S
        collect(results, PROCESSES, deadline)  # both apps are built: the races start together
        for name in racers:
            for rep, race in enumerate(races):
                inboxes[name].put((rep, race.task_id))
            inboxes[name].put(None)
        outcomes: list[dict[str, str]] = [{} for _ in races]
        for rep, name, outcome in collect(results, PROCESSES * REPETITIONS, deadline):
            outcomes[rep][name] = outcome
        for worker in workers:
            worker.join(BARRIER_TIMEOUT_S)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join(BARRIER_TIMEOUT_S)
        for inbox in inboxes.values():
            inbox.close()
            inbox.cancel_join_thread()  # a dead reader must not keep this process waiting on the pipe
        results.close()

    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    # This process's cache still holds each workflow at the version it started with: the next
    # completion here must notice that the racers moved the instance on, and load it afresh.
    counts = check_all(app, races, outcomes, racers)
    assert counts["winner cached"] == 0 and counts[AT_COMMIT] > 0, counts
    print(f"{PROCESSES} processes x {REPETITIONS}: {dict(counts)}")
