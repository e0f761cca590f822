"""Long cases through the engine's service layer: a loop of 2,000 rounds ends where it should,
its stored state stays as small as a fresh case's, the audit table keeps every completion, and a
case stored before pruning existed loads and runs on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import func, select, update

from engine.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, TaskOffer, TaskState
from tests.support.loops import three_task_loop

FIXTURE = Path(__file__).parent.parent / "fixtures" / "main_loop_state.json"


@pytest.fixture
def engine(app):
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        analyst = engine.users.create("analyst", "secret-analyst", ["process_analyst"])
        engine.clerk = engine.users.create("clerk", "secret-clerk", ["clerk"])
        engine.analyst = analyst
        yield engine


def _ready(engine, instance_id: str) -> tuple[str, str] | None:
    session = engine.session()
    row = session.execute(
        select(HumanTask.id, HumanTask.element_id).where(HumanTask.instance_id == instance_id, HumanTask.state == TaskState.READY)
    ).first()
    session.commit()
    return tuple(row) if row else None


def _stored(engine, instance_id: str) -> ProcessInstance:
    session = engine.session()
    session.expire_all()
    return session.get(ProcessInstance, instance_id)


def _tasks_in_state(instance: ProcessInstance) -> int:
    return len(json.loads(instance.state)["tasks"])


def _run_loop(engine, instance_id: str, rounds: int, on_completion=None) -> int:
    """Complete ready tasks until none is left; task c counts the round. Completions made."""
    completions = 0
    while ready := _ready(engine, instance_id):
        task_id, element_id = ready
        data = {"rounds": rounds + 1} if element_id == "c" else {}
        engine.tasks.complete(engine.clerk, task_id, data)
        rounds += element_id == "c"
        completions += 1
        if on_completion:
            on_completion(completions)
    return completions


@pytest.mark.slow
def test_two_thousand_rounds_of_a_three_task_loop(engine):
    engine.deployments.deploy(engine.analyst, [("loop.bpmn", three_task_loop().encode())])
    instance_id = engine.instances.start(engine.clerk, "loop", data={"rounds": 0, "limit": 2000}).id
    sizes: dict[int, tuple[int, int]] = {}

    def measure(completions: int) -> None:
        if completions in (6, 30, 3000, 5997, 5999):  # fresh, early, mid, and in the last round
            stored = _stored(engine, instance_id)
            sizes[completions] = (len(stored.state), _tasks_in_state(stored))

    assert _run_loop(engine, instance_id, 0, measure) == 6000
    instance = _stored(engine, instance_id)
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.data["rounds"] == 2000
    # The case ended at the loop's end event `done`, through the gateway's default flow.
    ended = {task["task_spec"] for task in json.loads(instance.state)["tasks"].values() if task["state"] == SpiffState.COMPLETED}
    assert "done" in ended
    # A completion at 2,000 rounds writes and walks no more than one in a fresh case: the stored
    # tree holds as many tasks, and the state is as large (the round counter has more digits).
    fresh_size, fresh_tasks = sizes[6]
    for late in (3000, 5997):
        assert sizes[late][1] <= fresh_tasks
        assert sizes[late][0] <= fresh_size * 1.05
    # The history the tree no longer holds is in the audit table, every completion of it.
    session = engine.session()
    audited = session.scalar(
        select(func.count()).select_from(AuditEvent)
        .where(AuditEvent.instance_id == instance_id, AuditEvent.event == "task_completed")
    )
    assert audited == 6000
    inbox = session.execute(
        select(HumanTask.element_id, func.count()).where(HumanTask.instance_id == instance_id, HumanTask.state == TaskState.COMPLETED)
        .group_by(HumanTask.element_id)
    ).all()
    assert dict(inbox) == {"a": 2000, "b": 2000, "c": 2000}


def test_a_case_stored_before_pruning_loads_and_runs_past_the_old_depth_stop(engine):
    """The fixture is a 40-round case written by main before pruning (see make_main_loop_state.py):
    its row and inbox are put in place as that code left them, then the case runs on to round 400,
    past the ~250 rounds an unpruned tree reaches."""
    old = json.loads(FIXTURE.read_text())
    assert old["tasks_in_tree"] > 150  # every completed task was still in the tree
    engine.deployments.deploy(engine.analyst, [("old_loop.bpmn", old["bpmn"].encode())])
    instance_id = engine.instances.start(engine.clerk, "old_loop", data={"rounds": 0, "limit": old["limit"]}).id
    session = engine.session()
    session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id).values(
        state=old["state"], data={"rounds": old["rounds_done"], "limit": old["limit"]}))
    session.execute(update(HumanTask).where(HumanTask.instance_id == instance_id).values(id=old["ready_task_id"]))
    session.execute(update(TaskOffer).where(TaskOffer.instance_id == instance_id).values(task_id=old["ready_task_id"]))
    session.commit()
    engine.workflows.discard(instance_id)

    first = {}
    completions = _run_loop(engine, instance_id, old["rounds_done"],
                            lambda n: first.setdefault(n, _tasks_in_state(_stored(engine, instance_id))) if n == 1 else None)
    assert completions == 3 * (old["limit"] - old["rounds_done"])
    assert first[1] < 20  # the first save after loading cut the old history out of the tree
    instance = _stored(engine, instance_id)
    assert instance.status == InstanceStatus.COMPLETED
    assert instance.data["rounds"] == old["limit"]
