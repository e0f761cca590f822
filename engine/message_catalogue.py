"""The message catalogue's rules, over plain data: what an entry may hold, which elements of a
model throw or catch which message, a payload checked against its schema, and the envelope a
message travels in.

A payload schema is validated without touching the host: a `$ref` may only point inside the same
schema (`#...`), and the resolver's retrieval refuses everything, so no file or URL is ever read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from referencing import Registry
from referencing.exceptions import NoSuchResource, Unresolvable
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent, ThrowingEvent

from engine.errors import N_, InvalidInput, field_error

EXTERNAL = "@external"  # among the senders: the message may be posted by an admin or service account
ENVELOPE_VERSION = 1
MAX_PROCESSES = 200
MAX_ID_LENGTH = 200

THROWS = "throws"
CATCHES = "catches"


@dataclass(frozen=True)
class Entry:
    senders: list[str]
    receivers: list[str]
    payload_schema: dict | None


def parse_entry(name: Any, body: Any) -> Entry:
    """An entry's body checked field by field; InvalidInput lists every problem."""
    errors: list[dict] = []
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_ID_LENGTH:
        errors.append(field_error("/name", N_("a message name is 1 to %(max)s characters"), max=MAX_ID_LENGTH))
    if not isinstance(body, dict):
        raise InvalidInput(N_("a catalogue entry is an object with senders, receivers and payload_schema"),
                           [field_error("", N_("expected an object"))])
    unknown = sorted(set(body) - {"senders", "receivers", "payload_schema"})
    for key in unknown:
        errors.append(field_error(f"/{key}", N_("unknown field")))
    lists = {}
    for key in ("senders", "receivers"):
        value = body.get(key)
        if not isinstance(value, list) or len(value) > MAX_PROCESSES or not all(
            isinstance(v, str) and v.strip() and len(v) <= MAX_ID_LENGTH for v in value
        ):
            errors.append(field_error(f"/{key}", N_("a list of up to %(max)s process ids"), max=MAX_PROCESSES))
            continue
        lists[key] = sorted(set(value))
    if EXTERNAL in lists.get("receivers", []):
        errors.append(field_error("/receivers", N_("%(external)s may only be a sender"), external=EXTERNAL))
    if "payload_schema" not in body:
        errors.append(field_error("/payload_schema", N_("give a JSON Schema object, or null")))
    schema = body.get("payload_schema")
    if schema is not None:
        problem = schema_problem(schema)
        if problem:
            errors.append({"field": "/payload_schema", "message": problem})
    if errors:
        raise InvalidInput(N_("the catalogue entry is invalid"), errors)
    return Entry(lists["senders"], lists["receivers"], schema)


def _refuse_retrieval(uri: str):
    raise NoSuchResource(ref=uri)


def _validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=Registry(retrieve=_refuse_retrieval))


def _non_local_refs(schema: Any) -> Iterator[str]:
    """`$ref`s that leave the schema, and `$id`s (which would move the base a `#` ref resolves
    against, so a local-looking ref could name another document)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str) and not value.startswith("#"):
                yield value
            elif key == "$id" and isinstance(value, str):
                yield f"$id {value}"
            else:
                yield from _non_local_refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _non_local_refs(item)


def schema_problem(schema: Any) -> str | None:
    """Why `schema` cannot be a payload schema, or None."""
    if not isinstance(schema, dict):
        return "a payload schema is a JSON Schema object"
    outside = next(_non_local_refs(schema), None)
    if outside is not None:
        return f"a payload schema may refer only inside itself ('#...'), not to {outside!r}"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        return f"not a valid JSON Schema: {err.message}"
    return None


def payload_errors(schema: dict | None, payload: Any) -> list[dict]:
    """The payload's problems against its schema, as `{"field": JSON Pointer, "message"}`."""
    if schema is None:
        return []
    try:
        found = sorted(_validator(schema).iter_errors(payload), key=lambda e: list(e.absolute_path))
    except Unresolvable as err:  # refused by the schema check; kept for schemas stored before it
        return [{"field": "", "message": f"the payload schema cannot be resolved: {err}"}]
    return [
        {"field": "".join(f"/{part}" for part in error.absolute_path), "message": error.message}
        for error in found[:20]
    ]


@dataclass(frozen=True)
class Use:
    """One element of a model that throws or catches a message."""

    element_id: str
    name: str
    direction: str  # THROWS or CATCHES


def _message_definitions(event_definition: Any) -> Iterator[MessageEventDefinition]:
    if isinstance(event_definition, MessageEventDefinition):
        yield event_definition
    for inner in getattr(event_definition, "event_definitions", None) or []:  # a multiple event
        yield from _message_definitions(inner)


def uses(spec, subprocess_specs: dict) -> list[Use]:
    """Every message element of a process and the subprocesses it runs: they all act as the
    deployed process (an instance's messages are sent and received under its process id)."""
    found = []
    for process_spec in (spec, *subprocess_specs.values()):
        for task_spec in process_spec.task_specs.values():
            event_definition = getattr(task_spec, "event_definition", None)
            if isinstance(task_spec, ThrowingEvent):
                direction = THROWS
            elif isinstance(task_spec, CatchingEvent):
                direction = CATCHES
            else:
                continue
            for definition in _message_definitions(event_definition):
                found.append(Use(task_spec.bpmn_id, definition.name, direction))
    return sorted(set(found), key=lambda u: (u.element_id, u.name, u.direction))


def envelope(
    message_id: str, name: str, schema_version: int | None, sender: dict, receivers: list[str],
    case_reference: str | None, sent_at: datetime,
) -> dict:
    """What travels with a message and is shown in both sides' histories."""
    return {
        "envelope_version": ENVELOPE_VERSION,
        "id": message_id,
        "name": name,
        "schema_version": schema_version,
        "sender": sender,
        "receivers": list(receivers),
        "case_reference": case_reference,
        "sent_at": sent_at.isoformat(),
    }
