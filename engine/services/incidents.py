from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import select

from engine import audit
from engine.errors import N_, Conflict, EngineError, InvalidInput, NotFound, PermissionDenied, field_error
from engine.models import Incident, IncidentStatus, ProcessInstance, User
from engine.services.change import Unit, unit_of_work
from engine.services.isolation import isolated
from engine.services.runner import advance, find_task, run_task
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine

log = logging.getLogger(__name__)
SYSTEM = "system"
BULK_ACTIONS = ("retry", "skip")
MAX_BULK = 100


@dataclass(frozen=True)
class BulkOutcome:
    """What one incident of a bulk action came to: the incident after it, or the error that
    stopped it (that one's transaction rolled back; the others are unaffected)."""

    incident_id: str
    incident: Incident | None = None
    error: EngineError | None = None


class IncidentService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def list(self, status: str | None = IncidentStatus.OPEN, instance_id: str | None = None) -> list[Incident]:
        query = select(Incident).order_by(Incident.created_at, Incident.id)
        if status:
            query = query.where(Incident.status == status)
        if instance_id:
            query = query.where(Incident.instance_id == instance_id)
        return list(self.engine.session().scalars(query))

    def _open(self, actor: User | None, incident_id: str) -> Incident:
        if actor is not None and not actor.is_admin:
            raise PermissionDenied(N_("only an admin may retry or skip an incident"))
        incident = self.engine.session().get(Incident, incident_id, populate_existing=True)
        if incident is None:
            raise NotFound(N_("incident %(incident)r does not exist"), params={"incident": incident_id})
        if incident.status != IncidentStatus.OPEN:
            raise Conflict(N_("the incident is already resolved (%(resolution)s)"), params={"resolution": str(incident.resolution)})
        return incident

    def retry(self, actor: User | None, incident_id: str) -> Incident:
        """Run the failed task again. `actor` None is the scheduler's automatic retry."""
        who = actor.username if actor else SYSTEM
        session = self.engine.session()
        incident = self._open(actor, incident_id)
        now = self.engine.clock.now()
        with unit_of_work(self.engine, N_("the incident could not be retried"), instance_id=incident.instance_id) as unit:
            change, task = self._failed_task(unit, incident)
            instance = change.instance
            self._resolve(incident, "retried", who, now)
            failure = run_task(change.workflow, task)
            if failure is not None and failure.task_id == incident.task_id:
                self._still_failing(incident, failure.message, automatic=actor is None, now=now)
            change.save(failure)
            audit.record(
                session, now, who, "incident_retried", instance_id=instance.id, task_id=incident.task_id,
                data={"incident_id": incident.id, "succeeded": incident.status == IncidentStatus.RESOLVED,
                      "attempt": incident.attempts, "message": incident.message},
            )
        return incident

    def skip(self, actor: User, incident_id: str) -> Incident:
        """Mark the failed task done without running it, and carry on."""
        session = self.engine.session()
        incident = self._open(actor, incident_id)
        now = self.engine.clock.now()
        with unit_of_work(self.engine, N_("the incident could not be skipped"), instance_id=incident.instance_id) as unit:
            if incident.task_id is None:
                # No task failed (a refused message, a budget): nothing to complete; the case goes on.
                instance = self.engine.session().get(ProcessInstance, incident.instance_id, populate_existing=True)
                change = unit.change(instance)
                self._resolve(incident, "skipped", actor.username, now)
                change.save(None)
            else:
                change, task = self._failed_task(unit, incident)
                instance = change.instance
                self._resolve(incident, "skipped", actor.username, now)
                task.complete()
                change.save(advance(change.workflow))
            audit.record(
                session, now, actor.username, "incident_skipped", instance_id=instance.id, task_id=incident.task_id,
                data={"incident_id": incident.id, "element_id": incident.element_id},
            )
        return incident

    def bulk(self, actor: User, action: str, incident_ids: list[str]) -> list[BulkOutcome]:
        """Retry or skip several incidents, each in its own transaction, in the order given: one
        resolved meanwhile or still failing must not undo or stop the others."""
        if not actor.is_admin:
            raise PermissionDenied(N_("only an admin may retry or skip an incident"))
        if action not in BULK_ACTIONS:
            raise InvalidInput(N_("the action must be retry or skip"), [field_error("/action", N_("expected retry or skip"))])
        ids = list(dict.fromkeys(incident_ids))  # the same incident twice is one action
        if not ids or len(ids) > MAX_BULK:
            raise InvalidInput(N_("choose from 1 to %(most)s incidents"), [field_error("/ids", N_("1 to %(most)s ids"), most=MAX_BULK)],
                               params={"most": MAX_BULK})
        run = self.retry if action == "retry" else self.skip
        outcomes = []
        for incident_id in ids:
            try:
                outcomes.append(BulkOutcome(incident_id, incident=run(actor, incident_id)))
            except EngineError as err:  # reported per item; its own change was rolled back
                outcomes.append(BulkOutcome(incident_id, error=err))
        return outcomes

    def retry_due(self, limit: int = 100) -> int:
        """The scheduler's automatic retries with backoff; returns how many were attempted."""
        now = self.engine.clock.now()
        rows = list(self.engine.session().execute(
            select(Incident.id, Incident.instance_id)
            .where(Incident.status == IncidentStatus.OPEN, Incident.next_retry_at <= now)
            .order_by(Incident.next_retry_at).limit(limit)
        ))
        attempted = 0
        for incident_id, instance_id in rows:
            done = isolated(
                self.engine, f"automatic retry of incident {incident_id}", lambda i=incident_id: self.retry(None, i),
                instance_id=instance_id, on_failure=lambda i=incident_id: self._stop_retrying(i),
            )
            attempted += done is not None
        return attempted

    def _stop_retrying(self, incident_id: str) -> None:
        """A retry that could not even run waits for an admin instead of failing every round."""
        session = self.engine.session()
        with atomic(session, N_("the incident could not be updated")):
            incident = session.get(Incident, incident_id, populate_existing=True)
            if incident is not None and incident.status == IncidentStatus.OPEN:
                incident.next_retry_at = None

    def _failed_task(self, unit: Unit, incident: Incident):
        """The instance's change and its task still in ERROR, or a Conflict."""
        instance = self.engine.session().get(ProcessInstance, incident.instance_id, populate_existing=True)
        change = unit.change(instance)
        task = find_task(change.workflow, incident.task_id) if incident.task_id else None
        if task is None or task.state != SpiffState.ERROR:
            raise Conflict(N_("the failed task is no longer waiting for a retry or skip"), instance_id=instance.id)
        return change, task

    @staticmethod
    def _resolve(incident: Incident, resolution: str, who: str, now) -> None:
        incident.status, incident.resolution = IncidentStatus.RESOLVED, resolution
        incident.resolved_at, incident.resolved_by, incident.updated_at = now, who, now

    def _still_failing(self, incident: Incident, message: str, automatic: bool, now) -> None:
        incident.status, incident.resolution = IncidentStatus.OPEN, None
        incident.resolved_at = incident.resolved_by = None
        incident.attempts += 1
        incident.message = message
        incident.updated_at = now
        operation = self.engine.operations.get(incident.operation) if incident.operation else None
        # Automatic retries continue with backoff until the operation's tries are used up; after
        # that, or after an admin's own retry fails, the incident waits for an admin.
        if automatic and operation is not None and incident.attempts < incident.max_attempts:
            incident.next_retry_at = now + operation.retry_delay(incident.attempts)
        else:
            incident.next_retry_at = None
