"""A unit of work over one or more instances: one transaction, then the follow-ups.

Inside `unit_of_work`, each `unit.change(instance)` checks out the instance's workflow; after the
commit the workflows go back to the cache tagged with their new lock versions, and the messages
the change threw, or the buffered messages its new waits can now take, are routed — each in a
transaction of its own, so a failing follow-up never undoes the change that caused it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.models import ProcessInstance, User
from engine.service_registry import BUSINESS_KEY_ATTRIBUTE, INSTANCE_ATTRIBUTE
from engine.services.projections import ready_manual_tasks
from engine.services.runner import Failure, Saved, load_workflow, save
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


@dataclass
class Change:
    engine: Engine
    instance: ProcessInstance
    workflow: object
    ready_before: set[str] = field(default_factory=set)
    saved: Saved | None = None

    def save(self, failure: Failure | None, completed_by: User | None = None) -> Saved:
        self.saved = save(
            self.engine, self.instance, self.workflow, self.engine.clock.now(), failure, completed_by, self.ready_before
        )
        self.workflow = self.saved.workflow  # a change that could not be stored was not kept
        return self.saved


@dataclass
class Unit:
    engine: Engine
    changes: list[Change] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)

    def change(self, instance: ProcessInstance, workflow=None) -> Change:
        """`workflow` is given for a new instance (nothing projected yet); else it is loaded."""
        ready_before: set[str] = set()
        if workflow is not None:
            setattr(workflow, INSTANCE_ATTRIBUTE, instance.id)
        if workflow is None:
            workflow, _definition = load_workflow(self.engine, instance)
            ready_before = ready_manual_tasks(workflow)
        # Service operations take the calling case from the workflow, never from a parameter.
        setattr(workflow, BUSINESS_KEY_ATTRIBUTE, instance.business_key)
        change = Change(self.engine, instance, workflow, ready_before)
        self.changes.append(change)
        return change


@contextmanager
def unit_of_work(engine: Engine, conflict_message: str, follow_up: bool = True, **context) -> Iterator[Unit]:
    session = engine.session()
    unit = Unit(engine)
    with atomic(session, conflict_message, **context):
        yield unit
        session.flush()
        unit.versions = {c.instance.id: c.instance.lock_version for c in unit.changes}
    for change in unit.changes:
        engine.workflows.checkin(change.instance.id, unit.versions[change.instance.id], change.workflow)
    if follow_up:
        engine.messages.follow_up([c.saved for c in unit.changes if c.saved is not None])
