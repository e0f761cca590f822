from __future__ import annotations

from typing import TYPE_CHECKING

from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import or_, select
from sqlalchemy.orm import lazyload

from engine import audit
from engine.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from engine.models import HumanTask, InstanceStatus, ProcessInstance, TaskState, User
from engine.roles import task_roles
from engine.serialization import plain_input, to_plain
from engine.services import runner
from engine.services.change import unit_of_work
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


class TaskService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- reading -----------------------------------------------------------------------------

    def get(self, actor: User, task_id: str) -> HumanTask:
        task = self.engine.session().get(HumanTask, task_id, populate_existing=True)
        if task is None:
            raise NotFound(f"task {task_id!r} does not exist", task_id=task_id)
        if not self.may_view(actor, task):
            raise PermissionDenied("this task is not in your inbox", task_id=task_id)
        return task

    def may_view(self, actor: User, task: HumanTask) -> bool:
        return actor.is_admin or actor.is_service_account or task.assignee_id == actor.id or self._may_work(actor, task)

    def _may_work(self, actor: User, task: HumanTask) -> bool:
        if actor.is_admin:
            return True
        if task.candidates is not None:
            return actor.username in task.candidate_usernames
        if task.role is None:
            instance = self.engine.session().get(ProcessInstance, task.instance_id, populate_existing=True)
            return instance is not None and instance.started_by == actor.id
        return bool(task_roles(task.role) & actor.roles)

    @staticmethod
    def _role_matches(actor: User):
        """A task's `role` is one role, or several joined by commas (a lane shared by roles)."""
        roles = sorted(actor.roles)
        shared = [
            condition
            for role in roles
            for condition in (
                HumanTask.role.startswith(f"{role},", autoescape=True),
                HumanTask.role.endswith(f",{role}", autoescape=True),
                HumanTask.role.contains(f",{role},", autoescape=True),
            )
        ]
        return or_(HumanTask.role.in_(roles), *shared)

    def inbox(
        self,
        actor: User,
        *,
        instance_id: str | None = None,
        state: str | None = None,
        assignee: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[HumanTask]:
        query = select(HumanTask)
        if instance_id:
            query = query.where(HumanTask.instance_id == instance_id)
        if state:
            query = query.where(HumanTask.state == state)
        if assignee == "me":
            query = query.where(HumanTask.assignee_id == actor.id)
        if not (actor.is_admin or actor.is_service_account):
            started = select(ProcessInstance.id).where(ProcessInstance.started_by == actor.id)
            query = query.where(
                or_(
                    self._role_matches(actor) & HumanTask.candidates.is_(None),
                    HumanTask.candidates.contains(f",{actor.username},", autoescape=True),
                    HumanTask.assignee_id == actor.id,
                    HumanTask.role.is_(None) & HumanTask.candidates.is_(None) & HumanTask.instance_id.in_(started),
                )
            )
        query = query.order_by(HumanTask.created_at, HumanTask.id).limit(limit).offset(offset)
        return list(self.engine.session().scalars(query))

    # --- claiming ----------------------------------------------------------------------------

    def claim(self, actor: User, task_id: str) -> HumanTask:
        session = self.engine.session()
        task = self._open_task(actor, task_id)
        if task.assignee_id == actor.id:
            return task
        if task.assignee_id is not None:
            raise Conflict("the task is already claimed by someone else", task_id=task_id)
        with atomic(session, "the task could not be claimed", task_id=task_id):
            task.assignee = actor
            audit.record(session, self.engine.clock.now(), actor.username, "task_claimed", instance_id=task.instance_id, task_id=task_id)
        return task

    def unclaim(self, actor: User, task_id: str) -> HumanTask:
        session = self.engine.session()
        task = self._open_task(actor, task_id)
        if task.assignee_id is None:
            return task
        if task.assignee_id != actor.id and not actor.is_admin:
            raise PermissionDenied("only the assignee or an admin may release a claimed task", task_id=task_id)
        with atomic(session, "the task could not be released", task_id=task_id):
            task.assignee = None
            audit.record(session, self.engine.clock.now(), actor.username, "task_unclaimed", instance_id=task.instance_id, task_id=task_id)
        return task

    def assign(self, actor: User, task_id: str, username: str) -> HumanTask:
        session = self.engine.session()
        task = self._open_task(actor, task_id)
        if task.assignee_id is not None and task.assignee_id != actor.id and not actor.is_admin:
            raise Conflict("the task is already claimed by someone else", task_id=task_id)
        assignee = self.engine.users.by_username(username)
        if not self._may_work(assignee, task):
            raise InvalidInput(f"{username!r} may not work on this task: {self._role_message(task)}", task_id=task_id)
        with atomic(session, "the task could not be assigned", task_id=task_id):
            task.assignee = assignee
            audit.record(
                session, self.engine.clock.now(), actor.username, "task_assigned",
                instance_id=task.instance_id, task_id=task_id, data={"assignee": username},
            )
        return task

    def _open_task(self, actor: User, task_id: str) -> HumanTask:
        return self._check_open(actor, task_id, self.engine.session().get(HumanTask, task_id, populate_existing=True))

    def _open_task_and_instance(self, actor: User, task_id: str) -> tuple[HumanTask, ProcessInstance]:
        """A completion needs both: one query instead of two."""
        query = (
            select(HumanTask, ProcessInstance)
            .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
            .where(HumanTask.id == task_id)
            .options(lazyload(HumanTask.assignee))  # only a claimed task needs its user, later
            .execution_options(populate_existing=True)
        )
        row = self.engine.session().execute(query).first()
        task = self._check_open(actor, task_id, row[0] if row is not None else None)
        return task, row[1]

    def _check_open(self, actor: User, task_id: str, task: HumanTask | None) -> HumanTask:
        if task is None:
            raise NotFound(f"task {task_id!r} does not exist", task_id=task_id)
        if not self._may_work(actor, task):
            raise PermissionDenied(self._role_message(task), task_id=task_id)
        if task.state != TaskState.READY:
            raise Conflict(f"the task is {task.state}, not ready", task_id=task_id)
        return task

    @staticmethod
    def _role_message(task: HumanTask) -> str:
        if task.candidates is not None:
            return f"this task is for {', '.join(task.candidate_usernames)} (the case names its {task.lane} lane's owners)"
        if task.role is None:
            return "this task lies outside any lane: only the instance's starter or an admin may work on it"
        roles = sorted(task_roles(task.role))
        return f"this task needs the role {roles[0]!r}" if len(roles) == 1 else f"this task needs one of the roles {', '.join(roles)}"

    # --- completing --------------------------------------------------------------------------

    def complete(self, actor: User, task_id: str, data: dict | None) -> HumanTask:
        session = self.engine.session()
        task, instance = self._open_task_and_instance(actor, task_id)
        if task.assignee_id is not None and task.assignee_id != actor.id and not actor.is_admin:
            raise PermissionDenied("the task is claimed by someone else; only they or an admin may complete it", task_id=task_id)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InvalidInput("`data` must be a JSON object", [{"field": "/data", "message": "must be an object"}], task_id=task_id)
        data = plain_input(data, task_id=task_id)
        if instance.status != InstanceStatus.RUNNING:
            raise Conflict(f"the process instance is {instance.status}", instance_id=instance.id, task_id=task_id)
        definition = self.engine.specs.get(session, instance.definition_id)
        validator = definition.form_validator(task.form_file) if task.form_file else None
        if validator is not None:
            errors = validator.errors(data)
            if errors:
                raise InvalidInput("the submitted data does not match the task's form", errors, task_id=task_id)

        with unit_of_work(self.engine, "the task could not be completed", instance_id=instance.id, task_id=task_id) as unit:
            change = unit.change(instance)
            spiff_task = runner.find_task(change.workflow, task_id)
            if spiff_task is None or spiff_task.state != SpiffState.READY or not spiff_task.task_spec.manual:
                raise Conflict("the task is no longer ready", instance_id=instance.id, task_id=task_id)
            now = self.engine.clock.now()
            spiff_task.set_data(**data)
            change.save(runner.run_task(change.workflow, spiff_task), completed_by=actor)
            audit.record(
                session, now, actor.username, "task_completed", instance_id=instance.id, task_id=task_id,
                data={"element_id": task.element_id, "data": to_plain(data)},
            )
        return task

    def inbox_for_instance(self, instance_id: str, state: str | None = None) -> list[HumanTask]:
        """Task rows of one instance (the caller has already checked it may see the instance)."""
        query = select(HumanTask).where(HumanTask.instance_id == instance_id)
        if state:
            query = query.where(HumanTask.state == state)
        return list(self.engine.session().scalars(query.order_by(HumanTask.created_at, HumanTask.id)))
