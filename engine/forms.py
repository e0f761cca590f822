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


def _closed(schema: Any) -> Any:
    if isinstance(schema, dict):
        schema = {key: _closed(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        return schema
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
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
