"""Messages between instances and from other systems: exactly-once, correlated, buffered.

A message is stored with its unique `message_id` in the same transaction that delivers it, so a
repeated id can never be delivered twice; one that matches no wait yet is kept (`buffered`) until
a matching wait appears or its time to live runs out.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select

from engine import audit, messages
from engine.errors import N_, Conflict, EngineError, InvalidInput, PermissionDenied, field_error
from engine.message_catalogue import EXTERNAL, envelope, payload_errors
from engine.models import (
    InstanceStatus,
    Message,
    MessageStatus,
    MessageWait,
    ProcessDefinition,
    ProcessInstance,
    User,
)
from engine.serialization import to_plain
from engine.services import approvals, outbox
from engine.services.change import Unit, unit_of_work
from engine.services.isolation import isolated
from engine.services.runner import Failure, Saved, advance, find_task, open_incident
from engine.services.writes import write_versioned

if TYPE_CHECKING:
    from engine.services.engine import Engine

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostResult:
    status: str
    delivered_to: list[str]


class MessageService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._local = threading.local()

    @property
    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    @_depth.setter
    def _depth(self, value: int) -> None:
        self._local.depth = value

    @contextmanager
    def _chain(self) -> Iterator[None]:
        """One change and everything its messages cause share one budget of message starts."""
        outermost = not getattr(self._local, "in_chain", False)
        if outermost:
            self._local.in_chain, self._local.started = True, 0
        try:
            yield
        finally:
            if outermost:
                self._local.in_chain = False

    # --- posting ---------------------------------------------------------------------------

    def post(self, actor: User, name: str, correlation: dict, payload: Any, message_id: str) -> PostResult:
        if not (actor.is_admin or actor.is_service_account):
            raise PermissionDenied(N_("posting messages needs the admin role or a service account"))
        if not isinstance(correlation, dict):
            raise InvalidInput(N_("`correlation` must be an object of correlation property ids and values"))
        try:
            correlation, payload = to_plain(correlation), to_plain(payload)
        except EngineError as err:
            raise InvalidInput(err.template, params=err.params) from err
        entry = self.engine.catalogue.entry(name)
        if entry is None:
            raise InvalidInput(N_("message %(name)r is not in the message catalogue"),
                               [field_error("/name", N_("not in the message catalogue"))], params={"name": name})
        if EXTERNAL not in entry.senders:
            raise PermissionDenied(N_("message %(name)r may not be posted from outside: the message catalogue "
                                      "does not list %(external)s among its senders"),
                                   params={"name": name, "external": EXTERNAL})
        problems = payload_errors(entry.payload_schema, payload)
        if problems:
            raise InvalidInput(
                N_("the payload does not match the schema of message %(name)r (version %(version)s)"),
                [{**p, "field": "/payload" + p["field"]} for p in problems],
                params={"name": name, "version": entry.version},
            )
        digest = messages.body_digest(name, correlation, payload)
        previous = self._existing(message_id, digest)
        if previous is not None:
            return previous
        now = self.engine.clock.now()
        row = Message(
            message_id=message_id, name=name, correlation=correlation, payload=payload, body_sha256=digest,
            status=MessageStatus.PENDING, delivered_to=[], created_at=now, expires_at=now + self.engine.settings.message_ttl,
            envelope=envelope(message_id, name, entry.version, {"process_id": EXTERNAL, "instance_id": None,
                              "actor": actor.username}, entry.receivers, correlation.get("business_key"), now),
        )
        try:
            with self._chain(), unit_of_work(self.engine, N_("the message could not be delivered")) as unit:
                self.engine.session().add(row)
                self._route(unit, row, actor.username, start_instances=True)
        except Conflict:
            # The same message_id posted at the same moment: answer as the second poster.
            previous = self._existing(message_id, digest)
            if previous is not None:
                return previous
            raise
        return PostResult(row.status if row.status != MessageStatus.PENDING else MessageStatus.BUFFERED, list(row.delivered_to))

    # --- throwing --------------------------------------------------------------------------

    def outbox(self, instance: ProcessInstance, workflow: BpmnWorkflow, now: datetime) -> tuple[list[Message], Failure | None]:
        """What `workflow` threw, stored in the sender's transaction (see engine.services.outbox)."""
        return outbox.store_thrown(self.engine, instance, workflow, now)

    def _existing(self, message_id: str, digest: str) -> PostResult | None:
        row = self.engine.session().scalar(select(Message).where(Message.message_id == message_id))
        if row is None:
            return None
        if row.body_sha256 != digest:
            raise Conflict(N_("message_id %(id)r was already used for a different message"), params={"id": message_id})
        return PostResult("duplicate", list(row.delivered_to))

    # --- routing ---------------------------------------------------------------------------

    def _route(
        self, unit: Unit, row: Message, actor: str, start_instances: bool,
        matches: dict[str, list[MessageWait]] | None = None,
    ) -> None:
        """Deliver `row` to every matching wait of its declared receivers, else start instances by
        message, else buffer."""
        now = self.engine.clock.now()
        delivered: list[str] = []
        receivers = self._receivers(row.name)
        if matches is None:
            matches = self._matching_waits(row.name, row.correlation, receivers)
        for instance_id, waits in matches.items():
            instance = self.engine.session().get(ProcessInstance, instance_id, populate_existing=True)
            if instance is None or instance.status not in (InstanceStatus.RUNNING, InstanceStatus.ERROR):
                continue
            if instance.process_id not in receivers:
                continue  # the catalogue changed since the wait was indexed
            change = unit.change(instance)
            tasks = [find_task(change.workflow, wait.task_id) for wait in waits]
            tasks = [t for t in tasks if t is not None and messages.is_waiting(t)]
            if not tasks:
                continue  # the wait was satisfied meanwhile (its row is about to disappear)
            for task in tasks:
                messages.deliver(task, row.payload, row.correlation)
            change.save(advance(change.workflow))
            delivered.append(instance_id)
        refused: list[str] = []
        if not delivered and start_instances:
            delivered, refused = self._start_by_message(unit, row, actor, receivers)
        row.delivered_to = delivered
        if delivered:
            row.status, row.delivered_at = MessageStatus.DELIVERED, now
        else:
            row.status, row.delivered_at = (MessageStatus.REFUSED if refused else MessageStatus.BUFFERED), None
        if row.envelope is not None:
            row.envelope = {**row.envelope, "delivered_to": delivered}
        body = {"message_id": row.message_id, "name": row.name, "correlation": row.correlation, "envelope": row.envelope}
        session = self.engine.session()
        if refused:
            self._refuse(row, f"starting more than {self.engine.settings.max_message_starts_per_change} instances by "
                              f"message in one change is not allowed; {', '.join(refused)} not started", actor)
        if row.source_instance_id is not None:
            audit.record(session, now, actor, "message_sent", instance_id=row.source_instance_id,
                         data={**body, "status": row.status, "delivered_to": delivered})
        if delivered:
            for instance_id in delivered:
                audit.record(session, now, actor, "message_delivered", instance_id=instance_id, data=body)
        elif not refused:
            audit.record(session, now, actor, "message_buffered", data=body)

    def _receivers(self, name: str) -> list[str]:
        entry = self.engine.catalogue.entry(name)
        return list(entry.receivers) if entry is not None else []

    def _matching_waits(self, name: str, correlation: dict, receivers: list[str]) -> dict[str, list[MessageWait]]:
        """The waits of the message's declared receivers whose correlation values it carries."""
        session = self.engine.session()
        if not receivers:
            return {}
        property_sets = session.scalars(select(MessageWait.property_set).where(MessageWait.name == name).distinct())
        found: dict[str, list[MessageWait]] = {}
        for props in property_sets:
            wanted = props.split(",") if props else []
            if any(p not in correlation for p in wanted):
                continue
            key = messages.canonical({p: correlation[p] for p in wanted})
            query = (
                select(MessageWait).join(ProcessInstance, ProcessInstance.id == MessageWait.instance_id)
                .where(MessageWait.name == name, MessageWait.property_set == props, MessageWait.correlation_key == key,
                       ProcessInstance.process_id.in_(receivers))
                .order_by(MessageWait.id)
            )
            for wait in session.scalars(query):
                found.setdefault(wait.instance_id, []).append(wait)
        return found

    def _start_by_message(self, unit: Unit, row: Message, actor: str, receivers: list[str]) -> tuple[list[str], list[str]]:
        """The instances started (of the declared receivers), and the processes refused because the
        change has used up its budget of message starts."""
        started, refused = [], []
        limit = self.engine.settings.max_message_starts_per_change
        for definition_row in self._latest_definitions_starting_with(row.name):
            if definition_row.process_id not in receivers:
                continue
            if getattr(self._local, "started", 0) >= limit:
                refused.append(definition_row.process_id)
                continue
            self._local.started = getattr(self._local, "started", 0) + 1
            definition = self.engine.specs.get(self.engine.session(), definition_row.id)
            workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=self.engine.script_engine)
            instance = self.engine.instances.new_row(definition, None, None, _business_key(row))
            change = unit.change(instance, workflow)
            messages.start_at_message(workflow, row.name)
            failure = advance(workflow)  # within the budgets, like every change
            if failure is None:
                for wait in messages.waits(workflow):
                    if wait.name == row.name:
                        messages.deliver(wait.task, row.payload, row.correlation)
                failure = advance(workflow)
            change.save(failure)
            audit.record(
                self.engine.session(), self.engine.clock.now(), actor, "instance_started", instance_id=instance.id,
                data={
                    "process_id": definition.process_id, "version": definition.version, "by_message": row.message_id,
                    "business_key": instance.business_key, "origin_instance_id": row.source_instance_id,
                },
            )
            started.append(instance.id)
        return started, refused

    def _refuse(self, row: Message, reason: str, actor: str) -> None:
        """Refuse (part of) a message for a budget: the sending case gets an incident and stops."""
        session = self.engine.session()
        now = self.engine.clock.now()
        if not row.delivered_to:
            row.status = MessageStatus.REFUSED
        audit.record(session, now, actor, "message_refused", instance_id=row.source_instance_id,
                     data={"message_id": row.message_id, "name": row.name, "reason": reason})
        if row.source_instance_id is None:
            return
        sender = session.get(ProcessInstance, row.source_instance_id)
        if sender is None:
            return
        open_incident(self.engine, sender, Failure(f"message {row.name!r} ({row.message_id}): {reason}"), now)
        if sender.status == InstanceStatus.RUNNING:
            write_versioned(session, sender, {"status": InstanceStatus.ERROR, "error_message": reason, "updated_at": now})

    def _latest_definitions_starting_with(self, name: str) -> list[ProcessDefinition]:
        # Only approved versions start cases; a proposed or rejected one is passed over.
        rows = self.engine.session().scalars(
            select(ProcessDefinition).where(ProcessDefinition.id.not_in(approvals.unapproved_ids()))
            .order_by(ProcessDefinition.process_id, ProcessDefinition.version)
        )
        latest: dict[str, ProcessDefinition] = {}
        for definition in rows:
            latest[definition.process_id] = definition
        return [d for d in latest.values() if name in (d.message_starts or [])]

    # --- follow-ups and sweeps ---------------------------------------------------------------

    def follow_up(self, saved: list[Saved]) -> None:
        """After a commit: route what the change threw, and hand buffered messages to new waits.

        Every hop is a change of its own, nested here; past the depth budget what is left to send
        is refused (an incident on each sender), so one request can never feed an endless chain."""
        outbox = [m.id for s in saved for m in s.outbox]
        new_waits = [(w.name, dict(w.correlation)) for s in saved for w in s.new_waits]
        if self._depth >= self.engine.settings.max_message_follow_up_depth:
            for message_row_id in outbox:
                self._refuse_stored(message_row_id)
            return  # buffered messages for the new waits: the scheduler's sweep delivers them
        self._depth += 1
        try:
            with self._chain():
                for message_row_id in outbox:
                    self._route_stored(message_row_id, start_instances=True, from_status=MessageStatus.PENDING)
                for name, correlation in new_waits:
                    for message_row_id in self._buffered_for(name, correlation):
                        self._route_stored(message_row_id, start_instances=False, from_status=MessageStatus.BUFFERED)
        finally:
            self._depth -= 1

    def _refuse_stored(self, message_row_id: int) -> None:
        depth = self.engine.settings.max_message_follow_up_depth
        try:
            with unit_of_work(self.engine, N_("the message could not be refused"), follow_up=False):
                row = self.engine.session().get(Message, message_row_id, populate_existing=True)
                if row is not None and row.status == MessageStatus.PENDING:
                    self._refuse(row, f"one change caused messages more than {depth} hops deep; the rest were refused", "system")
        except Conflict as err:
            log.info("message %s left for the sweep: %s", message_row_id, err)

    def _buffered_for(self, name: str, wait_correlation: dict) -> list[int]:
        now = self.engine.clock.now()
        rows = self.engine.session().scalars(
            select(Message).where(Message.status == MessageStatus.BUFFERED, Message.name == name, Message.expires_at > now)
            .order_by(Message.id)
        )
        return [
            row.id for row in rows
            if all(row.correlation.get(k) == v and v is not None for k, v in wait_correlation.items())
        ]

    def _route_stored(self, message_row_id: int, start_instances: bool, from_status: str) -> bool:
        """Routes one stored message; a failure is logged (see `isolation`) and never stops the
        routing of the others. It opens no incident: which receiving case failed is not known,
        and the sender did nothing wrong. The message stays in its state for the next sweep."""
        return bool(isolated(
            self.engine, f"routing of message {message_row_id}",
            lambda: self._route_stored_once(message_row_id, start_instances, from_status),
            instance_id=None,
        ))

    def _route_stored_once(self, message_row_id: int, start_instances: bool, from_status: str) -> bool:
        session = self.engine.session()
        try:
            with unit_of_work(self.engine, N_("the message could not be routed")) as unit:
                row = session.get(Message, message_row_id, populate_existing=True)
                if row is None or row.status != from_status:
                    return False
                matches = self._matching_waits(row.name, row.correlation, self._receivers(row.name))
                if from_status == MessageStatus.BUFFERED and not matches:
                    return False
                self._route(unit, row, "system", start_instances, matches)
        except Conflict as err:
            log.info("message %s deferred: %s", message_row_id, err)
            return False
        return True

    def dispatch_pending(self, limit: int = 200) -> int:
        """The outbox sweep: thrown messages whose routing was interrupted (a crash, a conflict)."""
        ids = list(self.engine.session().scalars(
            select(Message.id).where(Message.status == MessageStatus.PENDING).order_by(Message.id).limit(limit)
        ))
        return sum(1 for i in ids if self._swept(i, True, MessageStatus.PENDING))

    def deliver_buffered(self, limit: int = 200) -> int:
        """Buffered messages whose wait appeared while they were being stored (a race)."""
        now = self.engine.clock.now()
        ids = list(self.engine.session().scalars(
            select(Message.id).where(Message.status == MessageStatus.BUFFERED, Message.expires_at > now)
            .order_by(Message.id).limit(limit)
        ))
        return sum(1 for i in ids if self._swept(i, False, MessageStatus.BUFFERED))

    def _swept(self, message_row_id: int, start_instances: bool, from_status: str) -> bool:
        with self._chain():  # each swept message is a change of its own, with its own budget
            return self._route_stored(message_row_id, start_instances, from_status)

    def expire(self) -> int:
        """Buffered messages past their time to live are reported as unmatched."""
        session = self.engine.session()
        now = self.engine.clock.now()
        with unit_of_work(self.engine, N_("messages could not be expired"), follow_up=False):
            rows = list(session.scalars(
                select(Message).where(Message.status == MessageStatus.BUFFERED, Message.expires_at <= now)
            ))
            for row in rows:
                row.status = MessageStatus.EXPIRED
                audit.record(session, now, "system", "message_expired", data={"message_id": row.message_id, "name": row.name})
        return len(rows)

    def unmatched(self, status: str | None = None, limit: int = 200) -> list[Message]:
        query = select(Message).order_by(Message.id.desc()).limit(limit)
        if status:
            query = query.where(Message.status == status)
        return list(self.engine.session().scalars(query))


def _business_key(row: Message) -> str | None:
    """A case started by a hand-over carries the sender's case number: the payload's
    `case_number`, else a correlation value named `case_number` or `business_key`."""
    payload = row.payload if isinstance(row.payload, dict) else {}
    for value in (payload.get("case_number"), row.correlation.get("case_number"), row.correlation.get("business_key")):
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None
