"""The outbox: messages an instance threw, stored in the sender's own transaction and routed by
the message service after its commit.

The catalogue is asked again here, whatever was true at deployment: a message thrown by a
process that is no longer among its senders, or whose payload breaks its schema, is stored as
`refused` (for the record) and goes nowhere; the sender stops with an incident.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine import audit, messages
from engine.message_catalogue import THROWS, envelope, payload_errors, uses
from engine.models import Message, MessageCatalogueEntry, MessageStatus, ProcessInstance
from engine.services.runner import Failure

if TYPE_CHECKING:
    from engine.services.engine import Engine


def store_thrown(engine: Engine, instance: ProcessInstance, workflow: BpmnWorkflow, now: datetime) -> tuple[list[Message], Failure | None]:
    """The rows to route after the commit, and the failure that refused one, if any."""
    rows, refusal = [], None
    session = engine.session()
    for number, message in enumerate(messages.thrown(workflow)):
        entry = engine.catalogue.entry(message.name)
        message_id = f"thrown:{instance.id}:{instance.lock_version or 0}:{number}"
        problem = _problem(instance.process_id, entry, message)
        row = Message(
            message_id=message_id, name=message.name, correlation=message.correlation, payload=message.payload,
            body_sha256=messages.body_digest(message.name, message.correlation, message.payload),
            status=MessageStatus.REFUSED if problem else MessageStatus.PENDING, delivered_to=[],
            source_instance_id=instance.id, created_at=now, expires_at=now + engine.settings.message_ttl,
            envelope=envelope(
                message_id, message.name, entry.version if entry else None,
                {"process_id": instance.process_id, "instance_id": instance.id},
                entry.receivers if entry else [], instance.business_key, now,
            ),
        )
        session.add(row)
        if problem is None:
            rows.append(row)
            for listener in engine.thrown_listeners:
                listener(instance, row)
            continue
        element = _throwing_element(engine, instance, message.name)
        audit.record(
            session, now, "system", "message_refused", instance_id=instance.id,
            data={"message_id": message_id, "name": message.name, "correlation": message.correlation,
                  "reason": problem, "envelope": row.envelope},
        )
        refusal = refusal or Failure(f"element {element}: {problem}" if element else problem, None, element)
    return rows, refusal


def _problem(process_id: str, entry: MessageCatalogueEntry | None, message: messages.Thrown) -> str | None:
    if entry is None:
        return f"message {message.name!r} was refused: it is not in the message catalogue"
    if process_id not in entry.senders:
        return (f"message {message.name!r} was refused: the message catalogue does not list process "
                f"{process_id!r} among its senders")
    problems = payload_errors(entry.payload_schema, message.payload)
    if problems:
        first = "; ".join(f"{p['field'] or '/'}: {p['message']}" for p in problems[:3])
        return f"message {message.name!r} was refused: its payload does not match the schema (version {entry.version}): {first}"
    return None


def _throwing_element(engine: Engine, instance: ProcessInstance, name: str) -> str | None:
    """The element(s) that throw `name` (SpiffWorkflow's thrown event does not say which task)."""
    definition = engine.specs.get(engine.session(), instance.definition_id)
    elements = sorted({u.element_id for u in uses(definition.spec, definition.subprocess_specs)
                       if u.name == name and u.direction == THROWS})
    return ", ".join(elements) or None
