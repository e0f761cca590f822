"""Need-to-know: who may read a case, and how much of it.

A person reads a case only through their part in it: they started it; they completed one of its
tasks or hold one; they are offered one of its open tasks (by lane role and unit, or as a named
lane owner); or one of their roles supervises the process (admin-set data, never the model's).
Admins read everything; a service account reads the processes it is granted and nothing else.
To everyone else the case does not exist (NotFound), because its existence is itself
confidential. Participants who do not supervise see only the fields of the forms they completed
or hold; supervisors and admins see all the data.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, false, literal_column, or_, select, true

from engine import audit
from engine.errors import N_, NotFound
from engine.models import AuditEvent, HumanTask, ProcessInstance, ProcessSupervisor, ServiceGrant, TaskState, User
from engine.roles import task_roles
from engine.services.reach import ReachDecisions, own_case_ids, own_task_ids
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine

# History entries keep these keys for every reader; the rest of an entry's data is case data.
HISTORY_METADATA = frozenset(
    {"element_id", "process_id", "version", "business_key", "due_at", "assignee", "incident_id", "message_id", "name"}
)


class Standing(enum.IntEnum):
    """How far a user reaches into one case."""

    NONE = 0
    PARTICIPANT = 1
    SUPERVISOR = 2


class AccessService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.reach = ReachDecisions(engine.clock, engine.settings.reach_probe_rows)

    # --- the rule, for one case --------------------------------------------------------------

    def standing(self, actor: User, instance: ProcessInstance) -> Standing:
        if actor.is_service_account:
            return Standing.SUPERVISOR if self.granted(actor, instance.process_id) else Standing.NONE
        if actor.is_admin or self._supervises(actor, instance.process_id):
            return Standing.SUPERVISOR
        if instance.started_by == actor.id:
            return Standing.PARTICIPANT
        query = select(HumanTask.id).where(HumanTask.instance_id == instance.id, self.participation(actor)).limit(1)
        return Standing.PARTICIPANT if self.engine.session().scalar(query) is not None else Standing.NONE

    def readable(self, actor: User, instance_id: str) -> tuple[ProcessInstance, Standing]:
        """The instance and the reader's standing in it; NotFound when they take no part in it."""
        instance = self.engine.session().get(ProcessInstance, instance_id, populate_existing=True)
        standing = self.standing(actor, instance) if instance is not None else Standing.NONE
        if standing is Standing.NONE:
            raise NotFound(N_("process instance %(instance)s does not exist"), params={"instance": instance_id})
        return instance, standing

    # --- the rule, as SQL for lists ----------------------------------------------------------

    def offered_to(self, actor: User):
        """An open task offered to the actor: named as a lane owner, or holding a lane role (in
        the unit the case names for the lane, if it names one)."""
        return offered_condition(actor.username, actor.unit_code, actor.roles)

    def participation(self, actor: User):
        """A task row that makes the actor a participant of its case."""
        return _participation(actor.id, actor.username, actor.unit_code, actor.roles)

    def visible_instances(self, actor: User):
        """A condition on ProcessInstance: the cases the actor may read."""
        if actor.is_service_account:
            granted = select(ServiceGrant.process_id).where(ServiceGrant.user_id == actor.id)
            return ProcessInstance.process_id.in_(granted)
        if actor.is_admin:
            return true()
        return self._takes_part(actor, self._supervised_processes(actor))

    def _takes_part(self, actor: User, supervised: list[str]):
        takes_part = exists().where(HumanTask.instance_id == ProcessInstance.id, self.participation(actor))
        return or_(
            ProcessInstance.started_by == actor.id,
            ProcessInstance.process_id.in_(supervised) if supervised else false(),
            takes_part,
        )

    def listed_instances(self, actor: User):
        """`visible_instances` for a list: for a reader who takes part in few cases and
        supervises none, tried only on the cases they take part in (engine/services/reach.py)."""
        if actor.is_service_account or actor.is_admin:
            return self.visible_instances(actor)
        supervised = self._supervised_processes(actor)
        visible = self._takes_part(actor, supervised)
        if supervised or not self.reach.few(self.engine.session(), actor):
            return visible
        return and_(ProcessInstance.id.in_(own_case_ids(actor.id, actor.username, actor.unit_code, actor.roles)), visible)

    def own_tasks(self, actor: User):
        """For a reader who takes part in few cases, the tasks any list of theirs can hold (a
        statement of task ids, to narrow the list to before the rule is tried); None: read the
        list in its own order."""
        if actor.is_service_account or actor.is_admin or not self.reach.few(self.engine.session(), actor):
            return None
        return own_task_ids(actor.id, actor.username, actor.unit_code, actor.roles)

    # --- how much of a case ------------------------------------------------------------------

    def visible_fields(self, actor: User, instance: ProcessInstance, standing: Standing) -> frozenset[str] | None:
        """None: every field. Otherwise the fields of the forms the participant completed or holds
        (and those their instructions show), and the fields they gave when starting the case."""
        if standing is Standing.SUPERVISOR:
            return None
        session = self.engine.session()
        rows = session.execute(
            select(HumanTask.definition_id, HumanTask.element_id, HumanTask.form_file).where(
                HumanTask.instance_id == instance.id, self.participation(actor)
            )
        ).all()
        fields: set[str] = set()
        for definition_id, element_id, form_file in set(rows):
            fields.update(self.engine.specs.get(session, definition_id).task_fields(element_id, form_file))
        if instance.started_by == actor.id:
            fields.update(self._start_fields(instance))
        return frozenset(fields)

    def _start_fields(self, instance: ProcessInstance) -> Iterable[str]:
        started = self.engine.session().scalar(
            select(AuditEvent.data).where(AuditEvent.instance_id == instance.id, AuditEvent.event == "instance_started").limit(1)
        )
        given = (started or {}).get("data") or {}
        return given.keys() if isinstance(given, dict) else ()

    @staticmethod
    def filter_data(data: dict | None, fields: frozenset[str] | None) -> dict:
        data = data or {}
        if fields is None:
            return data
        return {key: value for key, value in data.items() if key in fields}

    @classmethod
    def filter_history_data(cls, data: dict | None, fields: frozenset[str] | None) -> dict | None:
        if fields is None or data is None:
            return data
        kept = {key: value for key, value in data.items() if key in HISTORY_METADATA}
        if isinstance(data.get("data"), dict):
            kept["data"] = cls.filter_data(data["data"], fields)
        return kept

    # --- the access log ----------------------------------------------------------------------

    def log_read(self, actor: User, instance_id: str, via: str, client: str | None = None) -> None:
        """Every read of a case's data or history (EU Directive 2016/680 art. 25): who, when,
        which case, through which endpoint or page. Kept apart from the case's own history."""
        session = self.engine.session()
        with atomic(session, N_("the read could not be logged")):
            audit.record(
                session, self.engine.clock.now(), actor.username, "case_read", instance_id=instance_id,
                data={"via": via, "client": client}, kind="access",
            )

    # --- admin-set data ----------------------------------------------------------------------

    def _supervised_processes(self, actor: User) -> list[str]:
        if not actor.roles:
            return []
        query = select(ProcessSupervisor.process_id).where(ProcessSupervisor.role.in_(sorted(actor.roles))).distinct()
        return list(self.engine.session().scalars(query))

    def _supervises(self, actor: User, process_id: str) -> bool:
        if not actor.roles:
            return False
        query = select(ProcessSupervisor.role).where(
            ProcessSupervisor.process_id == process_id, ProcessSupervisor.role.in_(sorted(actor.roles))
        )
        return self.engine.session().scalar(query.limit(1)) is not None

    def granted(self, actor: User, process_id: str) -> bool:
        query = select(ServiceGrant.process_id).where(ServiceGrant.user_id == actor.id, ServiceGrant.process_id == process_id)
        return self.engine.session().scalar(query.limit(1)) is not None

    def may_work(self, actor: User, task: HumanTask, started_by: int | None) -> bool:
        """Whether the actor may claim or complete this open task (admins always may)."""
        if actor.is_admin:
            return True
        if task.candidates is not None:
            return actor.username in task.candidate_usernames
        if task.role is None:
            return started_by == actor.id
        if task.unit is not None and task.unit != actor.unit_code:
            return False
        return bool(task_roles(task.role) & actor.roles)


# Built once per (user, unit, roles): every inbox and every read asks for them, and building an
# expression tree cost more than running the query. Expressions are immutable, so sharing is safe.
@lru_cache(maxsize=4096)
def offered_condition(username: str, unit_code: str | None, roles: frozenset[str]):
    by_role = and_(
        HumanTask.candidates.is_(None),
        _role_matches(roles),
        or_(HumanTask.unit.is_(None), HumanTask.unit == unit_code) if unit_code else HumanTask.unit.is_(None),
    )
    named = HumanTask.candidates.contains(f",{username},", autoescape=True)
    return and_(HumanTask.state == TaskState.READY, or_(by_role, named))


def completed_by(user_id: int):
    """A task the user completed, as a term of the rule's OR. `+ 0` keeps SQLite from reading it
    through ix_human_tasks_completed_by: with every term of the OR indexable, SQLite (without full
    statistics, as a database nobody ran ANALYZE on) unions one index read per term and sorts the
    union, 390-687 ms for a clerk's inbox at 100,000 cases, where reading in order stops at the
    page. The own-rows lists read that index on purpose (engine/services/reach.py)."""
    return HumanTask.completed_by + literal_column("0") == user_id


@lru_cache(maxsize=4096)
def _participation(user_id: int, username: str, unit_code: str | None, roles: frozenset[str]):
    return or_(
        completed_by(user_id),
        and_(HumanTask.state == TaskState.READY, HumanTask.assignee_id == user_id),
        offered_condition(username, unit_code, roles),
    )


def _role_matches(roles: frozenset[str]):
    """A task's `role` is one role, or several joined by commas (a lane shared by roles)."""
    if not roles:
        return false()
    ordered = sorted(roles)
    shared = [
        condition
        for role in ordered
        for condition in (
            HumanTask.role.startswith(f"{role},", autoescape=True),
            HumanTask.role.endswith(f",{role}", autoescape=True),
            HumanTask.role.contains(f",{role},", autoescape=True),
        )
    ]
    return or_(HumanTask.role.in_(ordered), *shared)
