"""Moving running cases of a process from one version to another, in bulk.

A dry run answers at once, per case: can it move (engine.instance_migration) and what would
change. A real run is a job: its cases are items, moved in batches by whoever claims the job
(the scheduler of any web process, or a CLI run), each case in a transaction of its own under its
lock version. A completion committed meanwhile wins: the move reads the case again and judges it
afresh; a completion that comes later waits for or loses against the move's commit (409, as for
any concurrent change) and nothing is written twice or lost. Each move is audited on the case.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select, update

from engine import audit
from engine.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied, field_error
from engine.instance_migration import MovePlan, MoveRefused, apply_move, plan_move, reason
from engine.models import (
    HumanTask,
    InstanceStatus,
    ItemStatus,
    MigrationStatus,
    ProcessInstance,
    TaskState,
    User,
    VersionMigration,
    VersionMigrationItem,
    VersionStatus,
)
from engine.roles import ADMIN, PROCESS_ANALYST, role_for_lane
from engine.serialization import dump_state, load_state
from engine.services import approvals, lanes, offers
from engine.services.change import unit_of_work
from engine.services.instances import UNLOADABLE
from engine.services.runner import find_task
from engine.services.transaction import atomic
from engine.services.writes import write_versioned
from engine.specs import LoadedDefinition

if TYPE_CHECKING:
    from engine.services.engine import Engine

MAX_INSTANCES = 10_000
"""Cases one request may name or cover; more are moved by several requests."""
ATTEMPTS_PER_CASE = 5
"""Reads of a case that keeps changing under the move, per batch; it is tried again next batch."""
MAX_ATTEMPTS = 20
CLAIM = timedelta(minutes=5)


class _Unmovable(Exception):
    """Ends a move's transaction without writing: the case stays as it is, with these reasons."""

    def __init__(self, reasons: list[dict], changes: dict | None = None) -> None:
        super().__init__("the case cannot move")
        self.reasons = reasons
        self.changes = changes


def _may_move(actor: User) -> None:
    if actor.is_service_account or not (actor.holds(ADMIN) or actor.holds(PROCESS_ANALYST)):
        raise PermissionDenied(N_("moving cases to another version needs the process_analyst or admin role"))


class MigrationService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- asking ------------------------------------------------------------------------------

    def _versions(self, actor: User, process_id: str, from_version, to_version) -> tuple[LoadedDefinition, LoadedDefinition]:
        session = self.engine.session()
        rows = {}
        for name, number in (("from_version", from_version), ("to_version", to_version)):
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                raise InvalidInput(N_("a version is a whole number from 1"), [field_error(f"/{name}", N_("must be a whole number from 1"))])
            rows[name] = self.engine.approvals.version(process_id, number)
        _may_move(actor)
        if from_version == to_version:
            raise InvalidInput(N_("the cases are already on that version"),
                               [field_error("/to_version", N_("must differ from from_version"))])
        status = approvals.status_of(session, rows["to_version"].id)
        if status != VersionStatus.APPROVED:
            raise Conflict(N_("version %(version)s of process %(process)r is %(status)s, not approved: no case moves to it"),
                           params={"version": to_version, "process": process_id, "status": status})
        return (self.engine.specs.get(session, rows["from_version"].id), self.engine.specs.get(session, rows["to_version"].id))

    def _instance_ids(self, process_id: str, from_version: int, instance_ids) -> list[str]:
        if instance_ids is not None:
            if not isinstance(instance_ids, list) or not all(isinstance(i, str) and 0 < len(i) <= 36 for i in instance_ids):
                raise InvalidInput(N_("`instance_ids` must be a list of case ids"), [field_error("/instance_ids", N_("must be a list of case ids"))])
            if len(instance_ids) > MAX_INSTANCES:
                raise InvalidInput(N_("at most %(limit)s cases per request"), [field_error("/instance_ids", N_("too many"))],
                                   params={"limit": MAX_INSTANCES})
            return list(dict.fromkeys(instance_ids))
        query = (
            select(ProcessInstance.id)
            .where(ProcessInstance.process_id == process_id, ProcessInstance.process_version == from_version,
                   ProcessInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.ERROR]))
            .order_by(ProcessInstance.created_at, ProcessInstance.id)
        )
        found = list(self.engine.session().scalars(query.limit(MAX_INSTANCES + 1)))
        if len(found) > MAX_INSTANCES:
            raise InvalidInput(N_("more than %(limit)s cases are on that version: name them in parts with `instance_ids`"),
                               [field_error("/instance_ids", N_("required"))], params={"limit": MAX_INSTANCES})
        return found

    def dry_run(self, actor: User, process_id: str, from_version, to_version, instance_ids=None) -> dict:
        source, target = self._versions(actor, process_id, from_version, to_version)
        ids = self._instance_ids(process_id, from_version, instance_ids)
        results = []
        for instance_id in ids:
            instance = self.engine.session().get(ProcessInstance, instance_id)
            refusal = self._not_a_candidate(instance, process_id, from_version)
            if refusal is not None:
                results.append({"instance_id": instance_id, "movable": False, "reasons": [refusal], "changes": None})
                continue
            try:
                workflow = load_state(instance.state, source.spec, source.subprocess_specs)
                plan = plan_move(workflow, source, target, instance.data, self._check_form)
            except UNLOADABLE as err:
                plan = MovePlan(reasons=[reason(N_("the case's stored state cannot be read: %(error)s"),
                                                error=f"{type(err).__name__}: {err}"[:300])])
            results.append({"instance_id": instance_id, "movable": plan.movable, "reasons": plan.reasons,
                            "changes": plan.changes()})
        session = self.engine.session()
        # Where each case waits is read from many cases at once: one row in the access log says so.
        audit.record(session, self.engine.clock.now(), actor.username, "version_migration_dry_run", kind="access",
                     data={"process_id": process_id, "from_version": from_version, "to_version": to_version, "cases": len(ids)})
        with atomic(session, N_("the dry run could not be logged")):
            pass
        return {"process_id": process_id, "from_version": from_version, "to_version": to_version, "dry_run": True,
                "movable": sum(r["movable"] for r in results), "not_movable": sum(not r["movable"] for r in results),
                "results": results}

    @staticmethod
    def _not_a_candidate(instance: ProcessInstance | None, process_id: str, from_version: int) -> dict | None:
        if instance is None or instance.process_id != process_id:
            return reason(N_("no case of this process has this id"))
        if instance.process_version != from_version:
            return reason(N_("the case is on version %(version)s"), version=instance.process_version)
        if instance.status == InstanceStatus.ERROR:
            return reason(N_("the case has an open incident: resolve it first"))
        if instance.status != InstanceStatus.RUNNING:
            return reason(N_("the case is %(status)s"), status=str(instance.status))
        return None

    def _check_form(self, target: LoadedDefinition, name: str, data: dict) -> list:
        validator = target.form_validator(name)
        if validator is None:
            return []
        with self.engine.classifiers.checking_forms():
            return list(validator.errors(data) or [])

    def request(self, actor: User, process_id: str, from_version, to_version, instance_ids=None) -> VersionMigration:
        """A job for the scheduler (or `run`): the named cases, or all running ones on `from_version`."""
        self._versions(actor, process_id, from_version, to_version)
        ids = self._instance_ids(process_id, from_version, instance_ids)
        session = self.engine.session()
        now = self.engine.clock.now()
        job = VersionMigration(id=str(uuid.uuid4()), process_id=process_id, from_version=from_version, to_version=to_version,
                               status=MigrationStatus.QUEUED, requested_by=actor.username, created_at=now, total=len(ids))
        with atomic(session, N_("the migration could not be requested")):
            session.add(job)
            session.flush()
            session.add_all(VersionMigrationItem(job_id=job.id, instance_id=i, status=ItemStatus.PENDING, reasons=[], attempts=0)
                            for i in ids)
            audit.record(session, now, actor.username, "version_migration_requested",
                         data={"job_id": job.id, "process_id": process_id, "from_version": from_version,
                               "to_version": to_version, "cases": len(ids)})
        return job

    def job(self, actor: User, process_id: str, job_id: str) -> dict:
        session = self.engine.session()
        job = session.get(VersionMigration, job_id, populate_existing=True)
        if job is None or job.process_id != process_id:
            raise NotFound(N_("migration %(job)s does not exist"), params={"job": job_id})
        _may_move(actor)
        items = list(session.scalars(select(VersionMigrationItem).where(VersionMigrationItem.job_id == job_id)
                                     .order_by(VersionMigrationItem.id)))
        counts = {status.value: sum(item.status == status for item in items) for status in ItemStatus}
        return {
            "id": job.id, "process_id": job.process_id, "from_version": job.from_version, "to_version": job.to_version,
            "status": job.status, "requested_by": job.requested_by, "created_at": job.created_at,
            "started_at": job.started_at, "finished_at": job.finished_at, "total": job.total, **counts,
            "results": [{"instance_id": i.instance_id, "status": i.status, "reasons": i.reasons, "changes": i.changes}
                        for i in items],
        }

    # --- running -----------------------------------------------------------------------------

    def run_pending(self, holder: str, batches: int = 1) -> int:
        """One batch of the oldest unfinished job this holder can claim (a scheduler round); the
        number of cases dealt with."""
        session = self.engine.session()
        now = self.engine.clock.now()
        job_id = session.scalar(
            select(VersionMigration.id)
            .where(VersionMigration.status.in_([MigrationStatus.QUEUED, MigrationStatus.RUNNING]),
                   or_(VersionMigration.claimed_until.is_(None), VersionMigration.claimed_until <= now,
                       VersionMigration.claimed_by == holder))
            .order_by(VersionMigration.created_at).limit(1)
        )
        session.rollback()
        if job_id is None:
            return 0
        return self.run(job_id, holder, batches)

    def run(self, job_id: str, holder: str, batches: int | None = None) -> int:
        """Claim the job and move its cases, `batches` batches (None: to the end)."""
        done = 0
        while batches is None or batches > 0:
            if not self._claim(job_id, holder):
                return done
            moved = self._batch(job_id)
            done += moved
            if moved == 0:
                self._finish(job_id, holder)
                return done
            if batches is not None:
                batches -= 1
        return done

    def _claim(self, job_id: str, holder: str) -> bool:
        session = self.engine.session()
        now = self.engine.clock.now()
        with atomic(session, N_("the migration could not be claimed")):
            claimed = session.execute(
                update(VersionMigration)
                .where(VersionMigration.id == job_id,
                       VersionMigration.status.in_([MigrationStatus.QUEUED, MigrationStatus.RUNNING]),
                       or_(VersionMigration.claimed_by.is_(None), VersionMigration.claimed_by == holder,
                           VersionMigration.claimed_until <= now))
                .values(claimed_by=holder, claimed_until=now + CLAIM, status=MigrationStatus.RUNNING,
                        started_at=func.coalesce(VersionMigration.started_at, now),
                        lock_version=VersionMigration.lock_version + 1)
                .execution_options(synchronize_session=False)
            ).rowcount
        return claimed == 1

    def _finish(self, job_id: str, holder: str) -> None:
        session = self.engine.session()
        now = self.engine.clock.now()
        with atomic(session, N_("the migration could not be finished")):
            job = session.get(VersionMigration, job_id, populate_existing=True)
            if job is None or job.status == MigrationStatus.DONE or job.claimed_by != holder:
                return
            job.status, job.finished_at, job.claimed_until = MigrationStatus.DONE, now, None
            counts = dict(session.execute(
                select(VersionMigrationItem.status, func.count()).where(VersionMigrationItem.job_id == job_id)
                .group_by(VersionMigrationItem.status)).all())
            audit.record(session, now, "system", "version_migration_finished",
                         data={"job_id": job_id, "process_id": job.process_id, "from_version": job.from_version,
                               "to_version": job.to_version, **counts})

    def _batch(self, job_id: str) -> int:
        session = self.engine.session()
        job = session.get(VersionMigration, job_id, populate_existing=True)
        item_ids = list(session.scalars(
            select(VersionMigrationItem.id)
            .where(VersionMigrationItem.job_id == job_id, VersionMigrationItem.status == ItemStatus.PENDING)
            .order_by(VersionMigrationItem.id).limit(self.engine.settings.migration_batch)
        ))
        process_id, from_version, to_version, requested_by = job.process_id, job.from_version, job.to_version, job.requested_by
        session.rollback()
        if not item_ids:
            return 0
        source = self.engine.specs.get(session, self.engine.approvals.version(process_id, from_version).id)
        target = self.engine.specs.get(session, self.engine.approvals.version(process_id, to_version).id)
        for item_id in item_ids:
            self._move_one(item_id, (job_id, requested_by), source, target)
        return len(item_ids)

    def _move_one(self, item_id: int, job: tuple[str, str], source: LoadedDefinition, target: LoadedDefinition) -> None:
        session = self.engine.session()
        for _attempt in range(ATTEMPTS_PER_CASE):
            item = session.get(VersionMigrationItem, item_id, populate_existing=True)
            if item is None or item.status != ItemStatus.PENDING:
                return
            instance = session.get(ProcessInstance, item.instance_id, populate_existing=True)
            refusal = self._not_a_candidate(instance, source.process_id, source.version)
            if refusal is not None:
                self._close(item_id, ItemStatus.REFUSED, [refusal], None)
                return
            try:
                self._move(item, instance, job, source, target)
                return
            except _Unmovable as unmovable:
                self._close(item_id, ItemStatus.REFUSED, unmovable.reasons, unmovable.changes)
                return
            except MoveRefused as err:
                self._close(item_id, ItemStatus.REFUSED, [reason(err.template, **err.params)], None)
                return
            except UNLOADABLE as err:
                self._close(item_id, ItemStatus.REFUSED, [reason(N_("the case's stored state cannot be read: %(error)s"),
                                                                 error=f"{type(err).__name__}: {err}"[:300])], None)
                return
            except Conflict:
                continue  # a concurrent change won: read the case again and judge it afresh
        self._count_attempt(item_id)

    def _move(self, item: VersionMigrationItem, instance: ProcessInstance, job: tuple[str, str],
              source: LoadedDefinition, target: LoadedDefinition) -> None:
        """`job`: its id and who asked for it (the move is theirs in the case's history)."""
        job_id, requested_by = job
        session = self.engine.session()
        now = self.engine.clock.now()
        with unit_of_work(self.engine, N_("the case could not be moved"), follow_up=False, instance_id=instance.id) as unit:
            change = unit.change(instance)
            plan = plan_move(change.workflow, source, target, instance.data, self._check_form)
            if not plan.movable:
                raise _Unmovable(plan.reasons, plan.changes())
            apply_move(change.workflow, target)
            # What is written must load again under the target, or the case would be lost to it.
            load_state(dump_state(change.workflow), target.spec, target.subprocess_specs)
            write_versioned(session, instance, {"definition_id": target.id, "process_version": target.version, "updated_at": now})
            change.save(None)
            self._reproject_inbox(instance, change.workflow)
            audit.record(session, now, requested_by, "instance_migrated", instance_id=instance.id,
                         data={"job_id": job_id, "from_version": source.version, "to_version": target.version,
                               "changes": plan.changes()})
            item.status, item.reasons, item.changes, item.finished_at = ItemStatus.MOVED, [], plan.changes(), now
            item.attempts += 1

    def _reproject_inbox(self, instance: ProcessInstance, workflow) -> None:
        """The open inbox rows take the target's names, lanes and forms (their ids and claims stay)."""
        session = self.engine.session()
        rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == TaskState.READY))
        for row in list(rows):
            task = find_task(workflow, row.id)
            if task is None:
                continue
            spec = task.task_spec
            props = (getattr(spec, "extensions", None) or {}).get("properties", {})
            lane = getattr(spec, "lane", None)
            values = {
                "definition_id": instance.definition_id, "process_version": instance.process_version,
                "name": spec.bpmn_name or spec.bpmn_id, "lane": lane, "role": role_for_lane(lane),
                "form_file": props.get("formJsonSchemaFilename"), "ui_form_file": props.get("formUiSchemaFilename"),
            }
            if lane != row.lane:
                offer = lanes.offer_for(self.engine, lane, task.data)
                values.update(candidates=offer.candidates, unit=offer.unit)
            write_versioned(session, row, values)
            offers.replace(session, {"id": row.id, "instance_id": row.instance_id,
                                     "role": row.role, "candidates": row.candidates, "unit": row.unit})

    def _close(self, item_id: int, status: ItemStatus, reasons: list[dict], changes: dict | None) -> None:
        session = self.engine.session()
        with atomic(session, N_("the migration's result could not be stored")):
            item = session.get(VersionMigrationItem, item_id, populate_existing=True)
            item.status, item.reasons, item.changes = status, reasons, changes
            item.finished_at, item.attempts = self.engine.clock.now(), item.attempts + 1

    def _count_attempt(self, item_id: int) -> None:
        """A case that changed under every attempt of this batch waits for the next one; one that
        keeps changing is finally left where it is, saying so."""
        session = self.engine.session()
        with atomic(session, N_("the migration's result could not be stored")):
            item = session.get(VersionMigrationItem, item_id, populate_existing=True)
            item.attempts += ATTEMPTS_PER_CASE
            if item.attempts >= MAX_ATTEMPTS:
                item.status, item.finished_at = ItemStatus.REFUSED, self.engine.clock.now()
                item.reasons = [reason(N_("the case kept changing while it was being moved; ask again later"))]
