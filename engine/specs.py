"""Parsed process versions, kept once per web process and shared by all its instances.

A version never changes once stored, so a cached spec can never be stale; a web process that has
not seen a version yet (deployed by another host, or before a restart) parses it from the stored
bundle.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

from referencing import Registry
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy.orm import Session, undefer

from engine import instructions, separation
from engine.bundle import parse_stored
from engine.errors import N_, NotFound
from engine.form_language import localised
from engine.forms import UNUSABLE_FORM, FormValidator, form_registry
from engine.models import ProcessDefinition
from engine.regex_safety import FORM_REGEX_BUDGET_SECONDS


@dataclass
class LoadedDefinition:
    id: int
    process_id: str
    version: int
    spec: object
    subprocess_specs: dict
    forms: dict[str, str]
    pattern_budget_seconds: float = FORM_REGEX_BUDGET_SECONDS
    _validators: dict[str, FormValidator] = field(default_factory=dict)
    _schemas: dict[str, dict] = field(default_factory=dict)
    _shown: dict[tuple[str, str], dict] = field(default_factory=dict)
    _fields: dict[str, frozenset[str]] = field(default_factory=dict)
    _registry: Registry | None = None
    _separations: dict[str, frozenset[str]] | None = None
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

    def starter_variable(self) -> str | None:
        """The case-data name under which the plain start event asks the engine to record who
        started the case (`<spiffworkflow:property name="starterVariable" value="..."/>`): a
        model offers the starter their own later tasks with it (`lane_owners`), which no start
        data or form could do safely, since either could name someone else."""
        for task_spec in self.spec.task_specs.values():
            if type(task_spec).__name__ != "StartEvent":
                continue
            props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            name = props.get("starterVariable")
            if isinstance(name, str) and name.isidentifier():
                return name
        return None

    def form_schema(self, name: str | None) -> dict | None:
        """The parsed form, shared by every task of this version (parsed once; callers only read it)."""
        if not name or name not in self.forms:
            return None
        schema = self._schemas.get(name)
        if schema is None:
            try:
                schema = json.loads(self.forms[name])
            except (json.JSONDecodeError, RecursionError):
                # Refused at deployment today; stored before that, it refuses every submission.
                schema = UNUSABLE_FORM
            self._schemas[name] = schema
        return schema

    def shown_form(self, name: str | None, language: str) -> dict | None:
        """The form as a person reading `language` sees it (`engine.form_language`), made once per
        (form, language) and shared; callers only read it."""
        if not name or name not in self.forms:
            return None
        key = (name, language)
        if key not in self._shown:
            self._shown[key] = localised(self.form_schema(name), language)
        return self._shown[key]

    def form_fields(self, name: str | None) -> frozenset[str]:
        """The top-level data fields a form can write (its conditional branches included)."""
        if name not in self._fields:
            self._fields[name] = frozenset(_top_level_fields(self.form_schema(name)))
        return self._fields[name]

    def separated_from(self, element_id: str) -> frozenset[str]:
        """The tasks whose performer may not do this one (`engine.separation`); read once per
        version, since every completion asks."""
        if self._separations is None:
            self._separations = {
                task_spec.bpmn_id: rule for task_spec in self._task_specs()
                if getattr(task_spec, "bpmn_id", None) and (rule := separation.separated_from(task_spec))
            }
        return self._separations.get(element_id, frozenset())

    def instructions(self, element_id: str) -> str | None:
        """The task's `instructionsForEndUser` template, if it has one."""
        for task_spec in self._task_specs():
            if getattr(task_spec, "bpmn_id", None) == element_id:
                text = (getattr(task_spec, "extensions", None) or {}).get("instructionsForEndUser")
                return text if isinstance(text, str) and text.strip() else None
        return None

    def task_fields(self, element_id: str, form_file: str | None) -> frozenset[str]:
        """What a task shows its person: its form's fields and those its instructions read."""
        key = f"{element_id}\0{form_file}"
        if key not in self._fields:
            source = self.instructions(element_id)
            self._fields[key] = self.form_fields(form_file) | (instructions.fields_used(source) if source else frozenset())
        return self._fields[key]

    def form_validator(self, name: str) -> FormValidator | None:
        validator = self._validators.get(name)
        if validator is None:
            schema = self.form_schema(name)
            if schema is None:
                return None
            if self._registry is None:
                # Only this version's own forms: a `$ref` to anything else is refused, never fetched.
                self._registry = form_registry(self.forms)
            validator = self._validators[name] = FormValidator(schema, self._registry, self.pattern_budget_seconds)
        return validator


def _top_level_fields(schema) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    found = set(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else set()
    for keyword in ("if", "then", "else"):
        found |= _top_level_fields(schema.get(keyword))
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword) or []:
            found |= _top_level_fields(branch)
    return found


class SpecCache:
    def __init__(self, pattern_budget_seconds: float = FORM_REGEX_BUDGET_SECONDS) -> None:
        self.pattern_budget_seconds = pattern_budget_seconds
        self._loaded: dict[int, LoadedDefinition] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, definition_id: int) -> LoadedDefinition:
        loaded = self._loaded.get(definition_id)
        if loaded is not None:
            return loaded
        row = session.get(ProcessDefinition, definition_id, options=[undefer(ProcessDefinition.bundle)])
        if row is None:
            raise NotFound(N_("process definition %(definition)s does not exist"), params={"definition": definition_id})
        return self.put(row, *parse_stored(row.process_id, row.bundle))

    def put(self, row: ProcessDefinition, spec, subprocess_specs: dict) -> LoadedDefinition:
        files = json.loads(row.bundle)
        forms = {name: text for name, text in files.items() if name.lower().endswith(".json")}
        loaded = LoadedDefinition(row.id, row.process_id, row.version, spec, subprocess_specs, forms,
                                  self.pattern_budget_seconds)
        with self._lock:
            return self._loaded.setdefault(row.id, loaded)
