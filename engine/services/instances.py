from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import delete, select, update

from engine import audit
from engine.errors import N_, Conflict, EngineError, InvalidInput, NotFound, PermissionDenied, field_error
from engine.form_dates import future_date_errors
from engine.models import (
    AuditEvent,
    HumanTask,
    Incident,
    IncidentStatus,
    InstanceStatus,
    MessageWait,
    ProcessInstance,
    TaskState,
    Timer,
    TimerStatus,
    User,
)
from engine.roles import roles_for_lane
from engine.sandbox.limits import data_errors
from engine.serialization import to_plain
from engine.services import approvals, lanes, offers
from engine.services.access import AccessService
from engine.services.change import unit_of_work
from engine.services.runner import advance
from engine.services.transaction import atomic
from engine.services.writes import write_versioned
from engine.specs import LoadedDefinition

if TYPE_CHECKING:
    from engine.services.engine import Engine

# What reading or writing back a damaged stored state raises (the serializer's own errors are
# these built-in ones; RecursionError is data nested beyond the interpreter's limit).
UNLOADABLE = (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, SpiffWorkflowException)


@dataclass(frozen=True)
class CaseView:
    """A case as one reader may see it: `fields` None means all of its data."""

    instance: ProcessInstance
    fields: frozenset[str] | None

    @property
    def data(self) -> dict:
        return AccessService.filter_data(self.instance.data, self.fields)


class InstanceService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(
        self,
        actor: User,
        process_id: str,
        version: int | None = None,
        data: dict | None = None,
        business_key: str | None = None,
    ) -> ProcessInstance:
        session = self.engine.session()
        definition_row = self.engine.deployments.resolve(process_id, version)
        if definition_row is None:
            if version:
                raise NotFound(N_("version %(version)s of process %(process)r is not deployed"),
                               params={"version": version, "process": process_id})
            raise NotFound(N_("process %(process)r is not deployed"), params={"process": process_id})
        definition = self.engine.specs.get(session, definition_row.id)
        if not self.may_start(actor, definition):
            needed = sorted(self.starting_roles(definition) or self.lane_roles(definition))
            raise PermissionDenied(N_("starting process %(process)r needs one of the roles: %(roles)s"),
                                   params={"process": process_id, "roles": ", ".join(needed)})
        if version is not None:  # the current version is an approved one by definition
            approvals.check_startable(session, definition_row)
        if data is not None and not isinstance(data, dict):
            raise InvalidInput(N_("`data` must be a JSON object"), [field_error("/data", N_("must be an object"))])
        reserved = lanes.reserved_fields_in(data or {})
        if reserved:
            raise InvalidInput(
                N_("who works on a case is decided by the process model, not by start data"),
                [field_error(f"/data/{name}", N_("may be set only by the process's own scripts")) for name in reserved],
            )
        starter_variable = definition.starter_variable()
        if starter_variable and starter_variable in (data or {}):
            raise InvalidInput(
                N_("who works on a case is decided by the process model, not by start data"),
                [field_error(f"/data/{starter_variable}", N_("may be set only by the process's own scripts"))],
            )
        self.check_start_data(definition, data or {})
        try:
            plain_data = to_plain(data or {})
        except EngineError as err:
            raise InvalidInput(err.template, params=err.params) from err
        if starter_variable:
            # Recorded by the engine from the signed-in person, never taken from the request.
            plain_data[starter_variable] = actor.username
        workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=self.engine.script_engine)
        # Only the root and start tasks exist yet; every later task inherits their data.
        for task in workflow.get_tasks():
            task.data.update(plain_data)
        instance = self.new_row(definition, actor, plain_data, business_key)
        with unit_of_work(self.engine, N_("the instance could not be started"), instance_id=instance.id) as unit:
            change = unit.change(instance, workflow)
            change.save(advance(workflow))
            audit.record(
                session, self.engine.clock.now(), actor.username, "instance_started", instance_id=instance.id,
                data={"process_id": process_id, "version": definition.version, "business_key": business_key, "data": plain_data},
            )
        return instance

    def check_start_data(self, definition: LoadedDefinition, data: dict) -> None:
        """Start data is what the sandbox can read (else every script of the case would fail) and,
        when the start event names a form, what that form allows, as for a task's completion."""
        errors = data_errors(data, self.engine.settings.max_data_bytes)
        if errors:
            raise InvalidInput(N_("the start data is nested too deeply, too large or holds a number that is not finite"), errors)
        form_file, _ui_file = definition.start_form_files()
        validator = definition.form_validator(form_file) if form_file else None
        if validator is not None:
            with self.engine.classifiers.checking_forms():
                errors = validator.errors(data) or future_date_errors(validator.schema, data, self.engine.clock.now())
            if errors:
                raise InvalidInput(N_("the start data does not match the process's start form"), errors)

    def new_row(self, definition: LoadedDefinition, actor: User | None, data: dict | None, business_key: str | None) -> ProcessInstance:
        """A new instance row, added to the session (the caller's unit of work saves its state)."""
        now = self.engine.clock.now()
        instance = ProcessInstance(
            id=str(uuid.uuid4()), definition_id=definition.id, process_id=definition.process_id,
            process_version=definition.version, business_key=business_key, status=InstanceStatus.RUNNING,
            started_by=actor.id if actor else None, created_at=now, updated_at=now, data=data or {},
        )
        self.engine.session().add(instance)
        return instance

    def may_start(self, actor: User, definition) -> bool:
        """A start event drawn in a lane says who starts the process (the investigator registers
        a defence request, not the advocate); otherwise anyone who takes part in it may. A
        service account starts only the processes it is granted."""
        if actor.is_service_account:
            return self.engine.access.granted(actor, definition.process_id)
        if actor.is_admin:
            return True
        roles = self.starting_roles(definition) or self.lane_roles(definition)
        return not roles or bool(roles & actor.roles)

    @staticmethod
    def starting_roles(definition) -> set[str]:
        return {
            role
            for task_spec in definition.spec.task_specs.values()
            if type(task_spec).__name__ == "StartEvent"
            for role in roles_for_lane(getattr(task_spec, "lane", None))
        }

    @staticmethod
    def lane_roles(definition) -> set[str]:
        roles = set()
        for spec in [definition.spec, *definition.subprocess_specs.values()]:
            for task_spec in spec.task_specs.values():
                roles.update(roles_for_lane(getattr(task_spec, "lane", None)))
        return roles

    def get(self, actor: User, instance_id: str) -> ProcessInstance:
        """The instance, if the actor takes part in it (else NotFound: its existence is confidential)."""
        return self.engine.access.readable(actor, instance_id)[0]

    def read(self, actor: User, instance_id: str, via: str, client: str | None = None) -> CaseView:
        """A read of the case's data, logged in the access log."""
        instance, standing = self.engine.access.readable(actor, instance_id)
        fields = self.engine.access.visible_fields(actor, instance, standing)
        self.engine.access.log_read(actor, instance_id, via, client)
        return CaseView(instance, fields)

    def history(self, actor: User, instance_id: str, via: str, client: str | None = None) -> list[dict]:
        """The case's own history (changes, not reads), with case data cut to what the reader may see."""
        instance, standing = self.engine.access.readable(actor, instance_id)
        fields = self.engine.access.visible_fields(actor, instance, standing)
        self.engine.access.log_read(actor, instance_id, via, client)
        rows = self.engine.session().scalars(
            select(AuditEvent)
            .where(AuditEvent.instance_id == instance_id, AuditEvent.kind == "change")
            .order_by(AuditEvent.id)
        )
        return [
            {
                "at": row.at, "actor": row.actor, "event": row.event, "task_id": row.task_id,
                "data": AccessService.filter_history_data(row.data, fields),
            }
            for row in rows
        ]

    def list(
        self,
        actor: User,
        *,
        process_id: str | None = None,
        status: str | None = None,
        business_key: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[ProcessInstance]:
        """The cases the actor takes part in, newest first."""
        query = select(ProcessInstance).where(self.engine.access.listed_instances(actor))
        if process_id:
            query = query.where(ProcessInstance.process_id == process_id)
        if status:
            query = query.where(ProcessInstance.status == status)
        if business_key:
            query = query.where(ProcessInstance.business_key == business_key)
        query = query.order_by(ProcessInstance.created_at.desc(), ProcessInstance.id.desc()).limit(limit).offset(offset)
        return list(self.engine.session().scalars(query))

    def open_incidents(self, instance_id: str) -> list[Incident]:
        return list(
            self.engine.session().scalars(
                select(Incident)
                .where(Incident.instance_id == instance_id, Incident.status == IncidentStatus.OPEN)
                .order_by(Incident.created_at, Incident.id)
            )
        )

    def terminate(self, actor: User, instance_id: str, reason: str) -> ProcessInstance:
        session = self.engine.session()
        instance = self.get(actor, instance_id)
        if not actor.is_admin:
            raise PermissionDenied(N_("only an admin may terminate a process instance"), instance_id=instance_id)
        if not reason or not reason.strip():
            raise InvalidInput(N_("a reason is required to terminate an instance"), [field_error("/reason", N_("required"))])
        if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
            raise Conflict(N_("the instance is already %(status)s"), params={"status": str(instance.status)}, instance_id=instance_id)
        now = self.engine.clock.now()
        try:
            with unit_of_work(self.engine, N_("the instance could not be terminated"), instance_id=instance_id) as unit:
                self._resolve_incidents(actor, instance_id, now)
                change = unit.change(instance)
                change.workflow.cancel()
                change.save(None)
                instance.status = InstanceStatus.TERMINATED
                instance.terminated_reason = reason.strip()
                instance.ended_at = now
                audit.record(session, now, actor.username, "instance_terminated", instance_id=instance_id, data={"reason": reason.strip()})
        except UNLOADABLE as err:
            # The stored state cannot be read or written back (corrupt text, data too deep): an
            # admin must still be able to stop the case, so it is closed without its workflow.
            instance = self._terminate_unloaded(actor, instance_id, reason.strip(), f"{type(err).__name__}: {err}"[:500])
        self.engine.workflows.discard(instance_id)
        return instance

    def _resolve_incidents(self, actor: User, instance_id: str, now) -> None:
        for incident in self.open_incidents(instance_id):
            incident.status, incident.resolution = IncidentStatus.RESOLVED, "terminated"
            incident.resolved_at, incident.resolved_by = now, actor.username

    def _terminate_unloaded(self, actor: User, instance_id: str, reason: str, load_error: str) -> ProcessInstance:
        """Terminate by rows alone: the instance, its open inbox rows, timers and message waits."""
        session = self.engine.session()
        now = self.engine.clock.now()
        with atomic(session, N_("the instance could not be terminated"), instance_id=instance_id):
            instance = session.get(ProcessInstance, instance_id, populate_existing=True)
            if instance is None or instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
                raise Conflict(N_("the instance was ended at the same time by someone else"), instance_id=instance_id)
            self._resolve_incidents(actor, instance_id, now)
            offers.withdraw_case(session, instance_id)
            session.execute(
                update(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.state == TaskState.READY)
                .values(state=TaskState.CANCELLED, completed_at=now, lock_version=HumanTask.lock_version + 1)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(Timer).where(Timer.instance_id == instance_id, Timer.status == TimerStatus.PENDING)
                .values(status=TimerStatus.CANCELLED)
            )
            session.execute(delete(MessageWait).where(MessageWait.instance_id == instance_id))
            write_versioned(session, instance, {
                "status": InstanceStatus.TERMINATED, "terminated_reason": reason, "ended_at": now, "updated_at": now,
            })
            audit.record(session, now, actor.username, "instance_terminated", instance_id=instance_id,
                         data={"reason": reason, "state_unreadable": load_error})
        return instance
