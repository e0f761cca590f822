from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine.errors import N_, Conflict
from engine.models import Incident, IncidentStatus, InstanceStatus, ProcessInstance, Timer, TimerStatus
from engine.services.change import unit_of_work
from engine.services.isolation import isolated
from engine.services.runner import find_task, fire_timers
from engine.timers import timer_due

if TYPE_CHECKING:
    from engine.services.engine import Engine

log = logging.getLogger(__name__)


class TimerService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def due(self, limit: int) -> list[int]:
        return [row.id for row in self._due_rows(limit)]

    def _due_rows(self, limit: int) -> list:
        # A timer whose firing failed outside the engine's own error handling has an open
        # incident on its task (see `isolation`): it waits for an admin, not for the next round.
        failed = select(Incident.id).where(Incident.task_id == Timer.task_id, Incident.status == IncidentStatus.OPEN)
        query = (
            select(Timer.id, Timer.instance_id, Timer.task_id, Timer.element_id)
            .where(Timer.status == TimerStatus.PENDING, Timer.due_at <= self.engine.clock.now(), ~failed.exists())
            .order_by(Timer.due_at, Timer.id)
            .limit(limit)
        )
        rows = list(self.engine.session().execute(query))
        self.engine.session().rollback()  # end the read; each firing is its own transaction
        return rows

    def fire_due(self, limit: int | None = None) -> int:
        """Fire every due timer (up to `limit`), each in its own transaction; returns how many
        this call fired. Safe to run in several processes at once."""
        fired = 0
        batch = self.engine.settings.timer_batch
        while limit is None or fired < limit:
            candidates = self._due_rows(min(batch, limit - fired) if limit is not None else batch)
            if not candidates:
                break
            # Several schedulers read the same due list; each walks it in its own order so they
            # spend their time firing different timers rather than skipping each other's locks.
            random.shuffle(candidates)
            fired_now = sum(1 for row in candidates if self._fire_isolated(row))
            fired += fired_now
            if fired_now == 0:
                break  # everything left is being fired elsewhere or conflicted: next poll
        return fired

    def _fire_isolated(self, row) -> bool:
        return bool(isolated(
            self.engine, f"timer {row.id} ({row.element_id})", lambda: self.fire(row.id),
            instance_id=row.instance_id, task_id=row.task_id, element_id=row.element_id,
        ))

    def fire(self, timer_id: int) -> bool:
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
                if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.ERROR):
                    timer.status = TimerStatus.CANCELLED
                    return False
                change = unit.change(instance)
                task = find_task(change.workflow, timer.task_id)
                if task is None or timer_due(task) != timer.due_at:
                    # Fired by another process between our read of the row and of the instance
                    # (SQLite has no row locks to stop that read); a cycle timer stays waiting
                    # but has moved on to its next due time. Nothing left to do.
                    return False
                change.save(fire_timers(change.workflow))
        except Conflict as err:
            log.info("timer %s deferred: %s", timer_id, err)
            return False
        return True
