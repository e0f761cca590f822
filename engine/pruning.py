"""Cutting the finished history out of a workflow's task tree, so a case may loop for years.

SpiffWorkflow keeps every task it ever ran: a loop adds a level to the tree on every round, the
stored state and every tree walk grow with the case's whole history, and its task iterators stop
at depth 1,000 — past that a loop's next task is not found and the case looks stuck or finished.
The history a person needs is the audit table; the tree only needs what can still run and what
the library still reads. Two cuts, both leaving the stored format as it was:

* the top: everything outside the subtree of the nearest finished ancestor of all unfinished
  tasks is over (side branches closed, earlier rounds of a loop); that ancestor becomes the child
  of the root.
* chains: a finished task between a finished parent and a finished only child carries nothing
  onward (its child has its data already) and is spliced out. This keeps a loop short that runs
  inside a parallel region while another branch waits at the join, or inside a subprocess.

What is kept, because the library reads it later: every unfinished task (ERROR counts as
unfinished: a retry runs it again) and the parent of each (a task takes its data from its parent
when it becomes ready); the immediate parent of a join task (parallel and inclusive gateways
check which incoming flows arrived by looking at it); an event split (boundary events, event
start) whose join finds it as an ancestor; the children of a running multi-instance task (it
finds its instances among them); `last_task`; and the tasks a caller names (the inbox rows being
closed look their task up). Dropped tasks that ran a subprocess take its stored state with them.
"""

from __future__ import annotations

from collections.abc import Iterable

from SpiffWorkflow.bpmn.specs.control import EventSplit
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.util.task import TaskState

DONE = TaskState.COMPLETED | TaskState.CANCELLED


def _done(task) -> bool:
    return (task._state & DONE) != 0


def prune(workflow, keep: Iterable = ()) -> int:
    """Drop the finished history from the workflow and its running subprocesses; how many tasks
    were dropped. `keep`: task ids (UUIDs) that must stay in the tree."""
    top = workflow
    keep_ids = _with_enclosing_subprocesses(top, set(keep))
    dropped = _prune_tree(top, top, keep_ids)
    for subprocess in list(top.subprocesses.values()):
        if subprocess.parent_task_id in top.subprocesses:  # not deleted with a dropped parent
            dropped += _prune_tree(top, subprocess, keep_ids)
    return dropped


def _with_enclosing_subprocesses(top, keep_ids: set) -> set:
    """`keep_ids` plus the task that runs each subprocess holding one of them (nested ones too):
    a task kept inside a finished embedded subprocess would otherwise go with its subprocess when
    the task that ran it is dropped (an action recorded in a subprocess that then completed)."""
    kept = set(keep_ids)
    while True:
        enclosing = {parent_id for parent_id, sub in top.subprocesses.items()
                     if parent_id not in kept and any(task_id in sub.tasks for task_id in kept)}
        if not enclosing:
            return kept
        kept |= enclosing


def _prune_tree(top, tree, keep_ids: set) -> int:
    if tree.completed:
        return 0  # a finished tree no longer grows; the library reads its End task for outputs
    keep_ids = keep_ids | ({tree.last_task.id} if tree.last_task is not None else set())
    dropped = _cut_top(top, tree, keep_ids)
    dropped += _splice_chains(top, tree, keep_ids)
    return dropped


def _cut_top(top, tree, keep_ids: set) -> int:
    tasks = tree.tasks
    root = tree.task_tree
    anchors = [t for t in tasks.values() if not _done(t) or t.id in keep_ids]
    if not anchors:
        return 0
    common = _common_ancestor(anchors)
    # The new top must be finished: an unfinished task takes data from its parent when it runs.
    while common is not None and not _done(common):
        common = common.parent
    if common is None or common is root or common.parent is root:
        return 0
    kept = _subtree_ids(common)
    dropped = [task_id for task_id in tasks if task_id not in kept and task_id != root.id]
    _forget(top, tree, dropped)
    root._children = [common.id]
    common._parent = root.id
    return len(dropped)


def _common_ancestor(tasks: list):
    path = _path_to_root(tasks[0])
    on_path = {task.id for task in path}
    for task in tasks[1:]:
        current = task
        while current.id not in on_path:
            current = current.parent
        # Everything below `current` on the first path is no longer common.
        while path[-1].id != current.id:
            on_path.discard(path.pop().id)
    return path[-1]


def _path_to_root(task) -> list:
    """The root first, `task` last."""
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    path.reverse()
    return path


def _subtree_ids(task) -> set:
    ids, stack = set(), [task]
    while stack:
        current = stack.pop()
        ids.add(current.id)
        stack.extend(current.children)
    return ids


def _splice_chains(top, tree, keep_ids: set) -> int:
    spliced = []
    for task in list(tree.tasks.values()):
        if _splicable(task, keep_ids):
            parent, child = task.parent, task.children[0]
            parent._children = [child.id if c == task.id else c for c in parent._children]
            child._parent = parent.id
            task._children = []
            spliced.append(task.id)
    _forget(top, tree, spliced)
    return len(spliced)


def _splicable(task, keep_ids: set) -> bool:
    if not _done(task) or task.id in keep_ids or len(task._children) != 1:
        return False
    parent = task.parent
    child = task.children[0]
    return (
        parent is not None and _done(parent) and _done(child)
        and not isinstance(task.task_spec, EventSplit)
        and not isinstance(child.task_spec, Join)
        and not isinstance(parent.task_spec, LoopTask)
    )


def _forget(top, tree, task_ids: list) -> None:
    for task_id in task_ids:
        if task_id in top.subprocesses:
            top.delete_subprocess(tree.tasks[task_id])
    for task_id in task_ids:
        tree.tasks.pop(task_id, None)


def tree_depth(workflow) -> int:
    """The deepest level of the workflow's own task tree (the root is 0)."""
    depth, level = 0, [workflow.task_tree]
    while level:
        level = [child for task in level for child in task.children]
        depth += bool(level)
    return depth
