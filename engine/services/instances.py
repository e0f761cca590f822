from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select

from engine import audit
from engine.errors import (
    Conflict,
    EngineError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from engine.models import AuditEvent, InstanceStatus, ProcessInstance, User
from engine.roles import role_for_lane
from engine.serialization import to_plain
from engine.services import runner
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


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
            which = f"version {version} of process {process_id!r}" if version else f"process {process_id!r}"
            raise NotFound(f"{which} is not deployed")
        definition = self.engine.specs.get(session, definition_row.id)
        if not self.may_start(actor, definition):
            raise PermissionDenied(f"you hold none of the roles that take part in process {process_id!r}")
        if data is not None and not isinstance(data, dict):
            raise InvalidInput("`data` must be a JSON object")
        try:
            to_plain(data or {})
        except EngineError as err:
            raise InvalidInput(str(err)) from err
        now = self.engine.clock.now()
        workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=self.engine.script_engine)
        if data:
            # Only the root and start tasks exist yet; every later task inherits their data.
            for task in workflow.get_tasks():
                task.data.update(data)
        error = runner.advance(workflow)
        instance_id = str(uuid.uuid4())
        with atomic(session, "the instance could not be started", instance_id=instance_id):
            instance = ProcessInstance(
                id=instance_id, definition_id=definition.id, process_id=definition.process_id,
                process_version=definition.version, business_key=business_key, status=InstanceStatus.RUNNING,
                started_by=actor.id, created_at=now, updated_at=now,
            )
            session.add(instance)
            runner.save(self.engine, instance, workflow, definition, now, error)
            audit.record(
                session, now, actor.username, "instance_started", instance_id=instance.id,
                data={"process_id": process_id, "version": definition.version, "business_key": business_key, "data": to_plain(data or {})},
            )
            if error:
                audit.record(session, now, "system", "instance_error", instance_id=instance.id, data={"message": error})
        self.engine.workflows.checkin(instance.id, instance.lock_version, workflow)
        return instance

    def may_start(self, actor: User, definition) -> bool:
        if actor.is_admin or actor.is_service_account:
            return True
        roles = self.lane_roles(definition)
        return not roles or bool(roles & actor.roles)

    @staticmethod
    def lane_roles(definition) -> set[str]:
        roles = set()
        for spec in [definition.spec, *definition.subprocess_specs.values()]:
            for task_spec in spec.task_specs.values():
                role = role_for_lane(getattr(task_spec, "lane", None))
                if role:
                    roles.add(role)
        return roles

    def get(self, actor: User, instance_id: str) -> ProcessInstance:
        instance = self.engine.session().get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(f"process instance {instance_id!r} does not exist", instance_id=instance_id)
        if not self.may_view(actor, instance):
            raise PermissionDenied("you take no part in this process instance", instance_id=instance_id)
        return instance

    def may_view(self, actor: User, instance: ProcessInstance) -> bool:
        if actor.is_admin or actor.is_service_account or instance.started_by == actor.id:
            return True
        definition = self.engine.specs.get(self.engine.session(), instance.definition_id)
        return bool(self.lane_roles(definition) & actor.roles)

    def history(self, actor: User, instance_id: str) -> list[AuditEvent]:
        self.get(actor, instance_id)
        return list(
            self.engine.session().scalars(
                select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
            )
        )

    def terminate(self, actor: User, instance_id: str, reason: str) -> ProcessInstance:
        if not actor.is_admin:
            raise PermissionDenied("only an admin may terminate a process instance", instance_id=instance_id)
        if not reason or not reason.strip():
            raise InvalidInput("a reason is required to terminate an instance", [{"field": "/reason", "message": "required"}])
        session = self.engine.session()
        instance = self.get(actor, instance_id)
        if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
            raise Conflict(f"the instance is already {instance.status}", instance_id=instance_id)
        with atomic(session, "the instance could not be terminated", instance_id=instance_id):
            workflow, definition = runner.load_workflow(self.engine, instance)
            workflow.cancel()
            now = self.engine.clock.now()
            runner.save(self.engine, instance, workflow, definition, now, None)
            instance.status = InstanceStatus.TERMINATED
            instance.terminated_reason = reason.strip()
            instance.ended_at = now
            audit.record(session, now, actor.username, "instance_terminated", instance_id=instance_id, data={"reason": reason.strip()})
        self.engine.workflows.discard(instance_id)
        return instance
