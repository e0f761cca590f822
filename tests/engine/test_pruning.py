"""Pruning the finished history out of the task tree: a pruned case runs exactly as an unpruned
one would (same tasks in the same order, same data, same end), and its tree stops growing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bundle import parse_bundle
from engine.pruning import prune, tree_depth
from engine.serialization import dump_state, load_state
from tests.support.loops import (
    boundary_loop,
    call_loop,
    fork_join_loop,
    multi_instance_loop,
    parallel_loop,
    three_task_loop,
)


@dataclass
class Model:
    process_id: str
    files: dict[str, str]
    counter_task: str  # completing it counts one round
    counter: str = "rounds"


MODELS = [
    Model("loop", {"loop.bpmn": three_task_loop()}, "c"),
    Model("parallel_loop", {"p.bpmn": parallel_loop()}, "act", "acts"),
    Model("fork_join_loop", {"f.bpmn": fork_join_loop()}, "c"),
    Model("boundary_loop", {"b.bpmn": boundary_loop()}, "c"),
    Model("call_loop", dict(zip(("call.bpmn", "round.bpmn"), call_loop(), strict=True)), "c"),
    Model("mi_loop", {"mi.bpmn": multi_instance_loop()}, "c"),
]


def _spec(model: Model):
    bundle = parse_bundle([(name, xml.encode()) for name, xml in model.files.items()])
    process = next(p for p in bundle.processes if p.process_id == model.process_id)
    return process.spec, process.subprocess_specs


@dataclass
class Run:
    completed: list[str]
    data: dict
    ended_at: set[str]
    sizes: list[int]
    tasks: list[int]
    depth: int


def run(model: Model, limit: int, pruned: bool, round_trip: bool = True) -> Run:
    """Complete the ready user tasks one by one (by element id, so both runs choose alike)."""
    spec, subprocess_specs = _spec(model)
    workflow = BpmnWorkflow(spec, subprocess_specs)
    for task in workflow.get_tasks():
        task.data.update({model.counter: 0, "limit": limit})
    workflow.do_engine_steps()
    completed, sizes, tasks = [], [], []
    while ready := workflow.get_tasks(state=TaskState.READY, manual=True):
        task = min(ready, key=lambda t: t.task_spec.bpmn_id)
        if task.task_spec.bpmn_id == model.counter_task:
            task.set_data(**{model.counter: task.data[model.counter] + 1})
        task.run()
        workflow.do_engine_steps()
        completed.append(task.task_spec.bpmn_id)
        if pruned:
            prune(workflow, keep=[task.id])
        if round_trip:
            state = dump_state(workflow)
            sizes.append(len(state))
            workflow = load_state(state, spec, subprocess_specs)
        tasks.append(len(workflow.tasks) + sum(len(s.tasks) for s in workflow.subprocesses.values()))
    ended = {t.task_spec.bpmn_id for t in workflow.tasks.values() if t.state == TaskState.COMPLETED and type(t.task_spec).__name__ == "EndEvent"}
    data = dict(workflow.data)
    return Run(completed, data, ended, sizes, tasks, tree_depth(workflow))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.process_id)
def test_a_pruned_case_runs_as_an_unpruned_one(model):
    plain, pruned = run(model, 12, pruned=False), run(model, 12, pruned=True)
    assert pruned.completed == plain.completed
    assert pruned.data == plain.data
    assert pruned.completed.count(model.counter_task) == 12
    assert pruned.ended_at == plain.ended_at != set()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.process_id)
def test_the_pruned_tree_stops_growing(model):
    result = run(model, 300, pruned=True)
    assert result.completed.count(model.counter_task) == 300
    assert "done" in result.ended_at or model.process_id == "parallel_loop"
    # After the first rounds, the state and the tree are as large at round 300 as at round 10.
    early, late = result.sizes[30:60], result.sizes[-60:-1]
    assert max(late) <= max(early) * 1.05
    assert max(result.tasks[-60:-1]) <= max(result.tasks[30:60])


def test_an_unpruned_loop_stops_at_the_library_depth_limit():
    """Why pruning is needed: unpruned, the library's task walks stop at depth 1,000 and the
    loop's next task is not found — the case stops after some 250 rounds of 2,000."""
    result = run(MODELS[0], 2000, pruned=False, round_trip=False)
    assert len(result.completed) < 1000
    assert result.ended_at == set()


def test_two_thousand_rounds_end_at_the_right_end_event():
    result = run(MODELS[0], 2000, pruned=True, round_trip=False)
    assert len(result.completed) == 6000
    assert result.completed[:4] == ["a", "b", "c", "a"] and result.completed[-1] == "c"
    assert result.ended_at == {"done"}
    assert result.data["rounds"] == 2000
    assert result.depth < 10


def _find(workflow, task_id):
    for tree in (workflow, *workflow.subprocesses.values()):
        if task_id in tree.tasks:
            return tree.tasks[task_id]
    return None


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.process_id)
def test_the_task_just_completed_survives_pruning_even_inside_a_finished_subprocess(model):
    """The service layer closes the inbox row of the task it completed by looking the task up after
    pruning: one that ran inside a subprocess which then finished (the last task of a called
    round) must still be found, completed, or the row is closed as cancelled."""
    spec, subprocess_specs = _spec(model)
    workflow = BpmnWorkflow(spec, subprocess_specs)
    for task in workflow.get_tasks():
        task.data.update({model.counter: 0, "limit": 5})
    workflow.do_engine_steps()
    for _ in range(12):
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if not ready:
            break
        task = min(ready, key=lambda t: t.task_spec.bpmn_id)
        if task.task_spec.bpmn_id == model.counter_task:
            task.set_data(**{model.counter: task.data[model.counter] + 1})
        task.run()
        workflow.do_engine_steps()
        prune(workflow, keep=[task.id])
        kept = _find(workflow, task.id)
        assert kept is not None and kept.state == TaskState.COMPLETED, task.task_spec.bpmn_id
