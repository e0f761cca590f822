"""Firing due timers, in batches.

A batch is one transaction: it claims up to `timer_batch_size` due timers in one statement
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so schedulers in other processes claim other timers),
loads their instances in one more, and fires each instance once under its own lock version
(`UPDATE ... WHERE lock_version = :read`). The timer rows, the instances' changes and their audit
rows commit together or not at all: a process killed mid-batch leaves every timer of the batch
pending for the next round, none half-fired. One commit per batch instead of one per timer is
where the time went (a commit waits for the disk).

A batch that fails as a whole (a conflicting change of one of its instances, a bug while firing
one) is rolled back and its timers are fired one by one, each in its own transaction, as before:
the one at fault is deferred or gets its incident, the others fire.
"""

from __future__ import annotations

import logging
import random
from collections import defaultdict
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select

from engine.errors import N_, Conflict
from engine.models import Incident, IncidentStatus, InstanceStatus, ProcessInstance, Timer, TimerStatus
from engine.services.change import Unit, unit_of_work
from engine.services.isolation import isolated
from engine.services.runner import find_task, fire_timers
from engine.timers import timer_due

if TYPE_CHECKING:
    from engine.services.engine import Engine

log = logging.getLogger(__name__)
BATCH_SIZE = 25  # timers per transaction: long enough to share the commit, short enough to hold few locks


class Claimed(NamedTuple):
    id: int
    instance_id: str
    task_id: str
    element_id: str


class TimerService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def due(self, limit: int) -> list[int]:
        return [row.id for row in self._due_rows(limit)]

    def _due_query(self, limit: int):
        # A timer whose firing failed outside the engine's own error handling has an open
        # incident on its task (see `isolation`): it waits for an admin, not for the next round.
        failed = select(Incident.id).where(Incident.task_id == Timer.task_id, Incident.status == IncidentStatus.OPEN)
        return (
            select(Timer)
            .where(Timer.status == TimerStatus.PENDING, Timer.due_at <= self.engine.clock.now(), ~failed.exists())
            .order_by(Timer.due_at, Timer.id)
            .limit(limit)
        )

    def _due_rows(self, limit: int) -> list[Claimed]:
        rows = [_claimed(timer) for timer in self.engine.session().scalars(self._due_query(limit))]
        self.engine.session().rollback()  # end the read; the firing claims them in its own transaction
        return rows

    def fire_due(self, limit: int | None = None) -> int:
        """Fire every due timer (up to `limit`), a batch per transaction; returns how many
        instances this call moved on. Safe to run in several processes at once."""
        fired = 0
        while limit is None or fired < limit:
            size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - fired)
            claimed, fired_now = self._fire_batch(size)
            if not claimed:
                break
            fired += fired_now
            if fired_now == 0:
                break  # everything claimed was deferred or failed: next poll
        return fired

    def _fire_batch(self, size: int) -> tuple[list[Claimed], int]:
        """Claim up to `size` due timers and fire them in one transaction; returns what was
        claimed and how many instances moved on."""
        claimed: list[Claimed] = []
        try:
            with unit_of_work(self.engine, N_("the timer could not fire"), follow_up=False) as unit:
                timers = list(self.engine.session().scalars(self._due_query(size).with_for_update(skip_locked=True, of=Timer)))
                claimed = [_claimed(timer) for timer in timers]
                fired = self._fire_claimed(unit, timers)
        except Exception as err:  # noqa: BLE001 - the timers are fired one by one below, each isolated
            if not claimed:
                raise
            log.info("a batch of %s timers is fired one by one: %s: %s", len(claimed), type(err).__name__, err)
            return claimed, self._fire_one_by_one(claimed)
        for change in unit.changes:
            if change.saved is not None:
                isolated(
                    self.engine, f"messages after timers of case {change.instance.id}",
                    lambda saved=change.saved: self.engine.messages.follow_up([saved]),
                    instance_id=change.instance.id,
                )
        return claimed, fired

    def _fire_claimed(self, unit: Unit, timers: list[Timer]) -> int:
        session = self.engine.session()
        by_instance: dict[str, list[Timer]] = defaultdict(list)
        for timer in timers:
            by_instance[timer.instance_id].append(timer)
        query = (
            select(ProcessInstance).where(ProcessInstance.id.in_(by_instance))
            .execution_options(populate_existing=True)
        )
        instances = {instance.id: instance for instance in session.scalars(query)}
        fired = 0
        # The same order in every process: two batches that share an instance wait, never deadlock.
        for instance_id in sorted(by_instance):
            if self._fire_instance(unit, instances[instance_id], by_instance[instance_id]):
                fired += 1
        return fired

    def _fire_instance(self, unit: Unit, instance: ProcessInstance, timers: list[Timer]) -> bool:
        if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.ERROR):
            for timer in timers:
                timer.status = TimerStatus.CANCELLED
            return False
        change = unit.change(instance)
        if not any(_still_waiting(change.workflow, timer) for timer in timers):
            # Fired by another process between our read of the rows and of the instance (SQLite
            # has no row locks to stop that read); a cycle timer stays waiting but has moved on to
            # its next due time. Nothing left to do.
            return False
        change.save(fire_timers(change.workflow))
        return True

    def _fire_one_by_one(self, claimed: list[Claimed]) -> int:
        # Each walks the list in its own order, so several processes falling back at once spend
        # their time on different timers rather than waiting on each other's.
        claimed = list(claimed)
        random.shuffle(claimed)
        return sum(1 for row in claimed if self._fire_isolated(row))

    def _fire_isolated(self, row: Claimed) -> bool:
        return bool(isolated(
            self.engine, f"timer {row.id} ({row.element_id})", lambda: self.fire(row.id),
            instance_id=row.instance_id, task_id=row.task_id, element_id=row.element_id,
        ))

    def fire(self, timer_id: int) -> bool:
        """Fire one timer in its own transaction; False when it was not due any more, fired or
        locked elsewhere, or deferred by a conflicting change."""
        session = self.engine.session()
        try:
            with unit_of_work(self.engine, N_("the timer could not fire")) as unit:
                timer = session.scalar(
                    select(Timer)
                    .where(Timer.id == timer_id, Timer.status == TimerStatus.PENDING)
                    .with_for_update(skip_locked=True)
                )
                if timer is None:
                    return False  # fired or locked by another process
                instance = session.get(ProcessInstance, timer.instance_id, populate_existing=True)
                return self._fire_instance(unit, instance, [timer])
        except Conflict as err:
            log.info("timer %s deferred: %s", timer_id, err)
            return False


def _claimed(timer: Timer) -> Claimed:
    return Claimed(timer.id, timer.instance_id, timer.task_id, timer.element_id)


def _still_waiting(workflow, timer: Timer) -> bool:
    task = find_task(workflow, timer.task_id)
    return task is not None and timer_due(task) == timer.due_at
