"""JSON Schema forms: checked when deployed, enforced when a task is completed.

A field the form does not define is refused even when the schema does not say
`additionalProperties: false`: a case file must not collect data nobody designed a field for.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from jsonschema import Draft202012Validator, SchemaError
from jsonschema.exceptions import ValidationError


def schema_problems(text: str) -> list[str]:
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as err:
        return [f"not valid JSON: {err.msg} at line {err.lineno}"]
    if not isinstance(schema, dict):
        return ["a form schema must be a JSON object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        return [f"not a valid JSON Schema: {err.message}"]
    return []


# Keywords whose sub-schemas describe data fields; only those are closed. Applicators such as
# `if`/`then`/`allOf` describe conditions on the same object: closing them would make an `if`
# fail as soon as any other field is present, silently skipping "required when" rules.
_FIELD_SCHEMAS = ("properties", "patternProperties", "$defs", "definitions")
_ITEM_SCHEMAS = ("items", "prefixItems", "additionalItems", "contains")


def _closed(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    schema = dict(schema)
    for key in _FIELD_SCHEMAS:
        if isinstance(schema.get(key), dict):
            schema[key] = {name: _closed(sub) for name, sub in schema[key].items()}
    for key in _ITEM_SCHEMAS:
        if isinstance(schema.get(key), dict):
            schema[key] = _closed(schema[key])
        elif isinstance(schema.get(key), list):
            schema[key] = [_closed(sub) for sub in schema[key]]
    if "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    return schema


class FormValidator:
    def __init__(self, schema: dict) -> None:
        self.schema = schema
        self._validator = Draft202012Validator(_closed(copy.deepcopy(schema)))

    def errors(self, data: Any) -> list[dict]:
        """Field-level errors, each `{"field": JSON Pointer, "message": str}`, in a stable order."""
        found = []
        for error in self._validator.iter_errors(data):
            found.extend(_describe(error))
        return sorted(found, key=lambda e: (e["field"], e["message"]))


def _pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _describe(error: ValidationError) -> list[dict]:
    base = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [name for name in error.validator_value if name not in error.instance]
        return [{"field": _pointer(base + [name]), "message": "this field is required"} for name in missing]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [name for name in error.instance if name not in allowed]
        return [{"field": _pointer(base + [name]), "message": "this field is not part of the form"} for name in extra]
    return [{"field": _pointer(base), "message": error.message}]
