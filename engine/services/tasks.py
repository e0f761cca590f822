from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy import Integer, bindparam, or_, select
from sqlalchemy.orm import lazyload

from engine import audit, instructions
from engine.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied, Phrase, field_error
from engine.form_dates import future_date_errors
from engine.instructions import Rendered
from engine.models import HumanTask, InstanceStatus, ProcessInstance, ServiceGrant, TaskState, User
from engine.roles import task_roles
from engine.serialization import plain_input, to_plain
from engine.services import lanes, runner
from engine.services.access import AccessService, Standing, completed_by, offered_condition
from engine.services.change import unit_of_work
from engine.services.reads import outside_transaction
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


class TaskService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- reading -----------------------------------------------------------------------------

    def get(self, actor: User, task_id: str) -> HumanTask:
        """A task of a case the actor takes part in; of any other case it does not exist."""
        return self._readable(actor, task_id)[0]

    def _readable(self, actor: User, task_id: str) -> tuple[HumanTask, ProcessInstance, Standing]:
        task = self.engine.session().get(HumanTask, task_id, populate_existing=True)
        if task is None:
            raise NotFound(N_("task %(task)s does not exist"), params={"task": task_id})
        instance, standing = self._case_visible(actor, task)
        return task, instance, standing

    def detail(self, actor: User, task_id: str, language: str = "lv") -> tuple[HumanTask, dict, Rendered]:
        """A task with the data it shows (its form's fields and those its instructions read, as
        far as the reader may see them) and its instructions filled in with that data, in the
        reader's language (`lang` in the template)."""
        task, instance, standing = self._readable(actor, task_id)  # one visibility check, not two
        definition = self.engine.specs.get(self.engine.session(), task.definition_id)
        shown = definition.task_fields(task.element_id, task.form_file)
        visible = self.engine.access.visible_fields(actor, instance, standing)
        data = AccessService.filter_data(instance.data, shown if visible is None else shown & visible)
        return task, data, instructions.render(definition.instructions(task.element_id), data, language)

    def _case_visible(self, actor: User, task: HumanTask) -> tuple[ProcessInstance, Standing]:
        try:
            return self.engine.access.readable(actor, task.instance_id)
        except NotFound as err:
            raise NotFound(N_("task %(task)s does not exist"), params={"task": task.id}) from err

    def _may_work(self, actor: User, task: HumanTask, started_by: int | None = None) -> bool:
        if task.role is None and task.candidates is None and started_by is None:
            instance = self.engine.session().get(ProcessInstance, task.instance_id)
            started_by = instance.started_by if instance is not None else None
        return self.engine.access.may_work(actor, task, started_by)

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
        """The actor's tasks: offered to them, held or completed by them (admins: every task). A
        case's other tasks show in the case itself, to those who may read it."""
        everyone = not actor.is_service_account and actor.is_admin
        params = {"limit": limit, "offset": offset, "instance_id": instance_id, "state": state, "me": actor.id}
        session = self.engine.session()
        with outside_transaction(session):
            # One case's tasks are found through the case; otherwise a reader with few tasks
            # is served from their own (engine/services/reach.py).
            own = None if everyone or instance_id else self.engine.access.own_tasks(actor)
            query = _inbox_query(
                None if everyone else self._mine(actor), own, bool(instance_id), bool(state), assignee == "me",
            )
            return list(session.scalars(query, params))

    def _mine(self, actor: User):
        return _my_tasks(actor.id, actor.is_service_account, actor.username, actor.unit_code, actor.roles)

    # --- claiming ----------------------------------------------------------------------------

    def claim(self, actor: User, task_id: str) -> HumanTask:
        session = self.engine.session()
        task = self._open_task(actor, task_id)
        if task.assignee_id == actor.id:
            return task
        if task.assignee_id is not None:
            raise Conflict(N_("the task is already claimed by someone else"), task_id=task_id)
        self._check_second_person(actor, task)
        with atomic(session, N_("the task could not be claimed"), task_id=task_id):
            task.assignee = actor
            audit.record(session, self.engine.clock.now(), actor.username, "task_claimed", instance_id=task.instance_id, task_id=task_id)
        return task

    def unclaim(self, actor: User, task_id: str) -> HumanTask:
        session = self.engine.session()
        task = self._open_task(actor, task_id)
        if task.assignee_id is None:
            return task
        if task.assignee_id != actor.id and not actor.is_admin:
            raise PermissionDenied(N_("only the assignee or an admin may release a claimed task"), task_id=task_id)
        with atomic(session, N_("the task could not be released"), task_id=task_id):
            task.assignee = None
            audit.record(session, self.engine.clock.now(), actor.username, "task_unclaimed", instance_id=task.instance_id, task_id=task_id)
        return task

    def assign(self, actor: User, task_id: str, username: str) -> HumanTask:
        session = self.engine.session()
        task = self._open_task(actor, task_id)
        if task.assignee_id is not None and task.assignee_id != actor.id and not actor.is_admin:
            raise Conflict(N_("the task is already claimed by someone else"), task_id=task_id)
        assignee = self.engine.users.by_username(username)
        if not self._may_work(assignee, task):
            raise InvalidInput(N_("%(user)r may not work on this task: %(reason)s"),
                               params={"user": username, "reason": self._role_message(task)}, task_id=task_id)
        self._check_second_person(assignee, task)
        with atomic(session, N_("the task could not be assigned"), task_id=task_id):
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
        session = self.engine.session()
        with outside_transaction(session):
            row = session.execute(_task_and_instance(), {"task_id": task_id}).first()
        if row is None:
            raise NotFound(N_("task %(task)s does not exist"), params={"task": task_id})
        return self._check_open(actor, task_id, row[0], row[1].started_by), row[1]

    def _check_open(self, actor: User, task_id: str, task: HumanTask | None, started_by: int | None = None) -> HumanTask:
        if task is None:
            raise NotFound(N_("task %(task)s does not exist"), params={"task": task_id})
        if not self._may_work(actor, task, started_by):
            self._case_visible(actor, task)  # a task of a case they take no part in: 404, not 403
            reason = self._role_message(task)
            raise PermissionDenied(reason.template, params=reason.params, task_id=task_id)
        if task.state != TaskState.READY:
            raise Conflict(N_("the task is %(state)s, not ready"), params={"state": str(task.state)}, task_id=task_id)
        return task

    def _check_second_person(self, actor: User, task: HumanTask, definition=None) -> None:
        """Four eyes (`engine.separation`): who did one of the named tasks of this case may not do this one."""
        session = self.engine.session()
        definition = definition or self.engine.specs.get(session, task.definition_id)
        elements = definition.separated_from(task.element_id)
        if not elements:
            return
        done = session.scalar(select(HumanTask.name).where(
            HumanTask.instance_id == task.instance_id, HumanTask.element_id.in_(elements),
            HumanTask.completed_by == actor.id, HumanTask.state == TaskState.COMPLETED,
        ).limit(1))
        if done is not None:
            raise PermissionDenied(
                N_("%(user)s did %(task)r in this case: a second person must do this task"),
                params={"user": actor.username, "task": done}, task_id=task.id,
            )

    @staticmethod
    def _role_message(task: HumanTask) -> Phrase:
        if task.candidates is not None:
            return Phrase(N_("this task is for %(users)s (the case names its %(lane)s lane's owners)"),
                          users=", ".join(task.candidate_usernames), lane=task.lane)
        if task.role is None:
            return Phrase(N_("this task lies outside any lane: only the instance's starter or an admin may work on it"))
        roles = sorted(task_roles(task.role))
        if len(roles) == 1:
            return Phrase(N_("this task needs the role %(role)r"), role=roles[0])
        return Phrase(N_("this task needs one of the roles %(roles)s"), roles=", ".join(roles))

    # --- completing --------------------------------------------------------------------------

    def complete(self, actor: User, task_id: str, data: dict | None) -> HumanTask:
        session = self.engine.session()
        task, instance = self._open_task_and_instance(actor, task_id)
        if task.assignee_id is not None and task.assignee_id != actor.id and not actor.is_admin:
            raise PermissionDenied(N_("the task is claimed by someone else; only they or an admin may complete it"), task_id=task_id)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InvalidInput(N_("`data` must be a JSON object"), [field_error("/data", N_("must be an object"))], task_id=task_id)
        reserved = lanes.reserved_fields_in(data)
        if reserved:
            raise InvalidInput(
                N_("who works on a case is decided by the process model, not by a form"),
                [field_error(f"/{name}", N_("may be set only by the process's own scripts")) for name in reserved],
                task_id=task_id,
            )
        data = plain_input(data, task_id=task_id)
        if instance.status != InstanceStatus.RUNNING:
            raise Conflict(N_("the process instance is %(status)s"), params={"status": str(instance.status)},
                           instance_id=instance.id, task_id=task_id)
        definition = self.engine.specs.get(session, instance.definition_id)
        self._check_second_person(actor, task, definition)
        validator = definition.form_validator(task.form_file) if task.form_file else None
        if validator is not None:
            with self.engine.classifiers.checking_forms():
                errors = validator.errors(data) or future_date_errors(validator.schema, data, self.engine.clock.now())
            if errors:
                raise InvalidInput(N_("the submitted data does not match the task's form"), errors, task_id=task_id)

        with unit_of_work(self.engine, N_("the task could not be completed"), instance_id=instance.id, task_id=task_id) as unit:
            change = unit.change(instance)
            spiff_task = runner.find_task(change.workflow, task_id)
            if spiff_task is None or spiff_task.state != SpiffState.READY or not spiff_task.task_spec.manual:
                raise Conflict(N_("the task is no longer ready"), instance_id=instance.id, task_id=task_id)
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


@lru_cache(maxsize=1)
def _task_and_instance():
    """Built once: building the statement, and its cache key, cost more than SQLite took to run it
    (a statement object reused keeps its cache key)."""
    return (
        select(HumanTask, ProcessInstance)
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .where(HumanTask.id == bindparam("task_id"))
        .options(lazyload(HumanTask.assignee))  # only a claimed task needs its user, later
        .execution_options(populate_existing=True)
    )


@lru_cache(maxsize=4096)
def _inbox_query(mine, own, by_instance: bool, by_state: bool, assigned_to_me: bool):
    """The inbox's statement, built once per reader's condition and filter shape: the values come
    as parameters. Building the statement and its cache key on every request cost a hundred
    times what SQLite took to answer it.

    The page's size and offset are written into the statement's text when it is sent
    (`literal_execute`; both are validated integers): as parameters, PostgreSQL judged a plan
    for any page size dearer than planning afresh and planned the statement again on every
    call, which cost more than running it."""
    query = select(HumanTask)
    if own is not None:
        query = query.where(HumanTask.id.in_(own))
    if by_instance:
        query = query.where(HumanTask.instance_id == bindparam("instance_id"))
    if by_state:
        query = query.where(HumanTask.state == bindparam("state"))
    if assigned_to_me:
        query = query.where(HumanTask.assignee_id == bindparam("me"))
    if mine is not None:
        query = query.where(mine)
    limit = bindparam("limit", type_=Integer, literal_execute=True)
    offset = bindparam("offset", type_=Integer, literal_execute=True)
    return query.order_by(HumanTask.created_at, HumanTask.id).limit(limit).offset(offset)


@lru_cache(maxsize=4096)
def _my_tasks(user_id: int, service_account: bool, username: str, unit_code: str | None, roles: frozenset[str]):
    """The inbox condition, built once per (user, unit, roles) like the access conditions."""
    if service_account:
        granted = select(ServiceGrant.process_id).where(ServiceGrant.user_id == user_id)
        return HumanTask.process_id.in_(granted)
    started = select(ProcessInstance.id).where(ProcessInstance.started_by == user_id)
    return or_(
        offered_condition(username, unit_code, roles),
        HumanTask.assignee_id == user_id,
        completed_by(user_id),
        HumanTask.role.is_(None) & HumanTask.candidates.is_(None) & HumanTask.instance_id.in_(started),
    )
