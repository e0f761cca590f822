"""Parsed process versions, kept once per web process and shared by all its instances.

A version never changes once stored, so a cached spec can never be stale; a web process that has
not seen a version yet (deployed by another host, or before a restart) parses it from the stored
bundle.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy.orm import Session

from engine.bundle import parse_stored
from engine.errors import NotFound
from engine.forms import FormValidator
from engine.models import ProcessDefinition


@dataclass
class LoadedDefinition:
    id: int
    process_id: str
    version: int
    spec: object
    subprocess_specs: dict
    forms: dict[str, str]
    _validators: dict[str, FormValidator] = field(default_factory=dict)
    _schemas: dict[str, dict] = field(default_factory=dict)
    has_timers: bool = False
    has_message_catches: bool = False

    def __post_init__(self) -> None:
        # A process without timer or message events can have no rows of those kinds: saving one
        # of its instances skips those projections (two queries per change).
        for task_spec in self._task_specs():
            event = getattr(task_spec, "event_definition", None)
            inner = [event, *(getattr(event, "event_definitions", None) or [])]
            if any(isinstance(e, TimerEventDefinition) for e in inner):
                self.has_timers = True
            if any(isinstance(e, MessageEventDefinition) for e in inner):
                self.has_message_catches = True

    def _task_specs(self):
        for spec in [self.spec, *self.subprocess_specs.values()]:
            yield from spec.task_specs.values()

    def start_form_files(self) -> tuple[str | None, str | None]:
        """The form and UI schema file names on the process's plain start event, if it has them."""
        for task_spec in self.spec.task_specs.values():
            if type(task_spec).__name__ != "StartEvent" or getattr(task_spec, "event_definition", None) is None:
                continue
            if type(task_spec.event_definition).__name__ != "NoneEventDefinition":
                continue
            props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            if props.get("formJsonSchemaFilename") or props.get("formUiSchemaFilename"):
                return props.get("formJsonSchemaFilename"), props.get("formUiSchemaFilename")
        return None, None

    def form_schema(self, name: str | None) -> dict | None:
        """The parsed form, shared by every task of this version (parsed once; callers only read it)."""
        if not name or name not in self.forms:
            return None
        schema = self._schemas.get(name)
        if schema is None:
            schema = self._schemas[name] = json.loads(self.forms[name])
        return schema

    def form_validator(self, name: str) -> FormValidator | None:
        validator = self._validators.get(name)
        if validator is None:
            schema = self.form_schema(name)
            if schema is None:
                return None
            validator = self._validators[name] = FormValidator(schema)
        return validator


class SpecCache:
    def __init__(self) -> None:
        self._loaded: dict[int, LoadedDefinition] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, definition_id: int) -> LoadedDefinition:
        loaded = self._loaded.get(definition_id)
        if loaded is not None:
            return loaded
        row = session.get(ProcessDefinition, definition_id)
        if row is None:
            raise NotFound(f"process definition {definition_id} does not exist")
        return self.put(row, *parse_stored(row.process_id, row.bundle))

    def put(self, row: ProcessDefinition, spec, subprocess_specs: dict) -> LoadedDefinition:
        files = json.loads(row.bundle)
        forms = {name: text for name, text in files.items() if name.lower().endswith(".json")}
        loaded = LoadedDefinition(row.id, row.process_id, row.version, spec, subprocess_specs, forms)
        with self._lock:
            return self._loaded.setdefault(row.id, loaded)
