"""Moving one running case to another version of its process.

A case can move when everything it waits at still exists in the target as the same kind of
element (a user task stays a user task, a timer catch a timer catch), attached to the same
boundary events, and the data it was given through forms the target changed still satisfies them.
Moving keeps every task where and as it is (same task ids, so claims, inbox rows, timers with
their due times and message waits stay), points each task at the target's element, and redraws
only the predicted path ahead of the waiting tasks from the target. SpiffWorkflow's own
`migrate_workflow` resets the waiting tasks instead, which would restart a running timer (a legal
term counted afresh from the move): so the alignment of `SpiffWorkflow.bpmn.util.diff` is used,
not its reset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.util.diff import WorkflowDiff
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

from engine.errors import N_, EngineError, field_error
from engine.specs import LoadedDefinition
from engine.version_diff import changed_by_name, element_kind, spec_changes

WAITING = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
AHEAD = TaskState.PREDICTED_MASK | TaskState.FUTURE

FormCheck = Callable[[LoadedDefinition, str, dict], list]
"""(target version, form file, data) → field errors; the caller supplies the classifier lookup."""


class MoveRefused(EngineError):
    """The case cannot take on the target version; nothing was changed."""


def reason(template: str, **params) -> dict:
    """One reason a case cannot move, translatable like a field error (`element` where known)."""
    return field_error(params.pop("field", ""), template, **params)


@dataclass
class MovePlan:
    reasons: list[dict] = field(default_factory=list)
    waiting: list[dict] = field(default_factory=list)
    forms_changed: list[str] = field(default_factory=list)

    @property
    def movable(self) -> bool:
        return not self.reasons

    def changes(self) -> dict:
        return {"waiting": self.waiting, "forms_changed": self.forms_changed}


def _trees(workflow):
    """The case's task trees: its own, then each subprocess that has not finished."""
    yield workflow.spec.name, workflow
    for sub in workflow.subprocesses.values():
        yield sub.spec.name, sub


def _target_spec(target: LoadedDefinition, workflow, tree):
    return target.spec if tree is workflow else target.subprocess_specs.get(tree.spec.name)


def plan_move(workflow, source: LoadedDefinition, target: LoadedDefinition, data: dict, check_form: FormCheck) -> MovePlan:
    plan = MovePlan()
    waiting_forms: set[str] = set()
    for name, tree in _trees(workflow):
        new_spec = _target_spec(target, workflow, tree)
        if new_spec is None:
            plan.reasons.append(reason(N_("the subprocess %(process)s, which the case holds, does not exist in the target"),
                                       process=name))
            continue
        changed = changed_by_name(spec_changes(tree.spec, new_spec))
        for task in tree.tasks.values():
            spec = task.task_spec
            if task.has_state(AHEAD):
                continue  # redrawn from the target
            if spec.name not in new_spec.task_specs:
                if spec.bpmn_id is None and not task.has_state(WAITING):
                    continue  # the library's own helper (root, start): the target has its own
                element = spec.bpmn_id or spec.name
                if task.has_state(WAITING):
                    plan.waiting.append(_waiting(task, process=name, changed=["removed"]))
                    plan.reasons.append(reason(N_("element %(element)s, where the case waits, does not exist in the target"),
                                               element=element, field=f"/elements/{element}"))
                elif not _splicable(task):
                    plan.reasons.append(reason(N_("element %(element)s, which the case has passed and a join still "
                                                  "looks at, does not exist in the target"),
                                               element=element, field=f"/elements/{element}"))
                continue
            if not task.has_state(WAITING) or spec.bpmn_id is None:
                continue
            _check_waiting(plan, task, new_spec, changed.get(spec.name, []), name)
            props = (getattr(spec, "extensions", None) or {}).get("properties", {})
            if props.get("formJsonSchemaFilename"):
                waiting_forms.add(props["formJsonSchemaFilename"])
    _check_forms(plan, source, target, data, waiting_forms, check_form)
    return plan


def _check_waiting(plan: MovePlan, task, new_spec, changed: list[str], process: str) -> None:
    spec = task.task_spec
    target = new_spec.task_specs[spec.name]
    element = spec.bpmn_id
    pointer = f"/elements/{element}"
    plan.waiting.append(_waiting(task, process, sorted(changed)))
    if task.has_state(TaskState.ERROR):
        plan.reasons.append(reason(N_("the case has failed at element %(element)s"), element=element, field=pointer))
    if element_kind(target) != element_kind(spec):
        plan.reasons.append(reason(N_("element %(element)s is a %(old)s here and a %(new)s in the target"),
                                   element=element, old=element_kind(spec), new=element_kind(target), field=pointer))
        return
    parent = task.parent
    split = parent.task_spec if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit) else None
    new_split = next((s for s in target.inputs if isinstance(s, BoundaryEventSplit)), None)
    armed = sorted(o.name for o in split.outputs) if split is not None else None
    wanted = sorted(o.name for o in new_split.outputs) if new_split is not None else None
    if armed != wanted:
        # The case armed the boundary events it had when it got there; it cannot arm new ones now.
        plan.reasons.append(reason(N_("the boundary events of element %(element)s differ in the target"),
                                   element=element, field=pointer))


def _waiting(task, process: str, changed: list[str]) -> dict:
    return {"process": process, "element_id": task.task_spec.bpmn_id, "kind": element_kind(task.task_spec),
            "state": TaskState.get_name(task.state).lower(), "changed": changed}


def _check_forms(plan: MovePlan, source: LoadedDefinition, target: LoadedDefinition, data: dict,
                 waiting_forms: set[str], check_form: FormCheck) -> None:
    """A form the target changed, whose fields the case already holds, must still accept them.
    The forms of the tasks it waits at are filled in later, under the target's rules."""
    for name in sorted(_task_forms(target)):
        if source.form_schema(name) == target.form_schema(name):
            continue
        if name in waiting_forms:
            plan.forms_changed.append(name)
            continue
        fields = target.form_fields(name)
        given = {key: value for key, value in (data or {}).items() if key in fields}
        if not given:
            continue
        plan.forms_changed.append(name)
        for error in check_form(target, name, given):
            plan.reasons.append(error | {"form": name})


def _task_forms(definition: LoadedDefinition) -> set[str]:
    names = set()
    for spec in [definition.spec, *definition.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            if isinstance(props.get("formJsonSchemaFilename"), str):
                names.add(props["formJsonSchemaFilename"])
    return names


def _splicable(task) -> bool:
    """A finished task of an element the target removed can leave the tree (its children already
    hold its data), unless a join still reads it to know which of its flows arrived."""
    return task.parent is not None and not any(isinstance(child.task_spec, Join) for child in task.children)


def _splice_removed(tree, new_spec) -> None:
    """Finished tasks of removed elements (pruning keeps the parent of each waiting task, and the
    last task) are cut out: their children move up to their parent, as pruning splices chains."""
    for task in list(tree.tasks.values()):
        if task.task_spec.name in new_spec.task_specs or not task.has_state(TaskState.FINISHED_MASK):
            continue
        if not _splicable(task):
            raise MoveRefused(N_("element %(element)s does not exist in the target"), params={"element": task.task_spec.name})
        parent = task.parent
        at = parent._children.index(task.id)
        parent._children[at:at + 1] = list(task._children)
        for child in task.children:
            child._parent = parent.id
        if tree.last_task is task:
            # The case's data is read from the last task: its successor holds the same data.
            tree.last_task = task.children[0] if task._children else parent
        task._children = []
        tree.tasks.pop(task.id)


def apply_move(workflow, target: LoadedDefinition) -> None:
    """Point the case at the target version (after `plan_move` found it movable)."""
    for _name, tree in list(_trees(workflow)):
        new_spec = _target_spec(target, workflow, tree)
        if new_spec is None:
            raise MoveRefused(N_("the subprocess %(process)s does not exist in the target"), params={"process": tree.spec.name})
        _splice_removed(tree, new_spec)
        diff = WorkflowDiff(tree, spec_changes(tree.spec, new_spec))
        tree.spec = new_spec
        for task in tree.tasks.values():
            aligned = diff.alignment.get(task)
            if aligned is not None:
                task.task_spec = aligned
            elif task.task_spec.name in new_spec.task_specs:
                task.task_spec = new_spec.task_specs[task.task_spec.name]
        for task in list(tree.tasks.values()):
            if task.id in tree.tasks and task.has_state(TaskState.READY | TaskState.WAITING) \
                    and all(child.has_state(AHEAD) for child in task.children):
                # The path ahead was predicted from the old version: drawn again from the target.
                task._drop_children(force=True)
                # Its own state in the mask: only then does the library draw its children again.
                task.task_spec._predict(task, mask=AHEAD | task.state)
        stale = [t.task_spec.name for t in tree.tasks.values() if new_spec.task_specs.get(t.task_spec.name) is not t.task_spec]
        if stale:
            raise MoveRefused(N_("elements %(elements)s of the case have no counterpart in the target"),
                              params={"elements": ", ".join(sorted(set(stale))[:10])})
    workflow.subprocess_specs = target.subprocess_specs
