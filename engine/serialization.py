"""Workflow state to and from the database, without the spec.

SpiffWorkflow's serializer embeds the whole spec in every workflow it writes; a justice platform
with a hundred thousand open cases would store each process definition a hundred thousand times
and pay to re-read it on every load. Here the spec is parsed once per version (see `specs.py`)
and the stored state holds only the task tree and data.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.errors import N_, EngineError, InvalidInput, field_error
from engine.routed_message import RoutedMessage, SpiffMessageEventDefinition
from engine.timers import SWAPS


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the spec out when writing and takes the already-parsed spec when reading."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict, spec=None, subprocess_specs=None) -> BpmnWorkflow:
        if spec is None:
            raise EngineError("a stored workflow can only be restored with its process spec")
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value: str):
    from uuid import UUID

    return UUID(value)


def _register_data_types(registry) -> None:
    """Task data may hold dates and money; plain json.dumps would fail on them."""
    registry.register(
        datetime, lambda v: {"value": v.isoformat()}, lambda d: datetime.fromisoformat(d["value"])
    )
    registry.register(
        date, lambda v: {"value": v.isoformat()}, lambda d: date.fromisoformat(d["value"])
    )
    registry.register(
        timedelta, lambda v: {"seconds": v.total_seconds()}, lambda d: timedelta(seconds=d["seconds"])
    )
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    # A timer that won a race at an event-based gateway is stored among the gateway's seen events.
    for original, clocked in SWAPS.items():
        config[clocked] = config[original]
    config[RoutedMessage] = config[SpiffMessageEventDefinition]
    registry = BpmnWorkflowSerializer.configure(config)
    _register_data_types(registry)
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _build_serializer()


MAX_INT_DIGITS = 100
# An int of more than MAX_INT_DIGITS decimal digits has more than this many bits; checking bits
# costs nothing, while CPython refuses to even print an int of over 4,300 digits.
_MAX_INT_BITS = int(MAX_INT_DIGITS * 3.3219280948873626)


def dump_state(workflow: BpmnWorkflow) -> str:
    try:
        return SERIALIZER.serialize_json(workflow)
    except (ValueError, TypeError, RecursionError) as err:
        raise EngineError(f"the case's state cannot be stored: {type(err).__name__}: {str(err)[:200]}") from err


def load_state(state: str, spec, subprocess_specs: dict) -> BpmnWorkflow:
    dct = json.loads(state)
    SERIALIZER.migrate(dct)
    return SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)


def to_plain(value: Any) -> Any:
    """Task data as JSON-able values for the API and the `data` column (dates as ISO strings)."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > _MAX_INT_BITS:
        raise EngineError(N_("the data holds a number of more than %(digits)s digits"), params={"digits": MAX_INT_DIGITS})
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise EngineError(N_("task data holds a value of unsupported type %(type)s"), params={"type": type(value).__name__})


def plain_input(data: dict, field: str = "/data", **context) -> dict:
    """Data a person sent (start data, a task's form), as `to_plain` stores it, or InvalidInput
    (422) saying what cannot be stored."""
    try:
        return to_plain(data)
    except EngineError as err:
        raise InvalidInput(err.template, [field_error(field, err.template, **err.params)], params=err.params, **context) from err
