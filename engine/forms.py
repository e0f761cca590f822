"""JSON Schema forms: checked when deployed, enforced when a task is completed.

A field the form does not define is refused even when the schema does not say
`additionalProperties: false`: a case file must not collect data nobody designed a field for.

A form is untrusted input. Its `$ref`s resolve only inside itself or to another form file of the
same deployment: the validator gets a `referencing.Registry` holding just those forms, whose
`retrieve` refuses every other URI, so validation never opens a file or a socket (jsonschema's
deprecated remote retrieval is never reached). Patterns are matched under a time budget (see
`engine.regex_safety`), and non-finite numbers (`NaN`, `Infinity`, `1e400` read as infinity) never
pass a form. Field errors are sentences in the user's language (`engine.form_errors`), and the
formats `date`, `date-time` and `email` are enforced.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, SchemaError, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable
from referencing.jsonschema import DRAFT202012

from engine import classifier_forms, regex_safety
from engine.errors import N_, field_error
from engine.form_errors import FORMAT_CHECKER, NOT_FINITE, NOT_IN_FORM, describe

# Stands in for a stored form that cannot be read (e.g. nested beyond the JSON parser's depth).
UNUSABLE_FORM: dict = {"title": "This form cannot be used", "not": {}}

# Keys whose values are data, not schemas: a `$ref` inside a `const` is a string like any other.
DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})


def schema_problems(text: str) -> list[str]:
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as err:
        return [f"not valid JSON: {err.msg} at line {err.lineno}"]
    except RecursionError:
        return ["the form is nested too deeply"]
    if not isinstance(schema, dict):
        return ["a form schema must be a JSON object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        return [f"not a valid JSON Schema: {err.message}"]
    except RecursionError:
        return ["the form is nested too deeply"]
    except (OverflowError, ValueError) as err:
        # The meta-schema's `format: regex` compiles each pattern with `re`, which raises these
        # (e.g. "the repetition number is too large") instead of re.error.
        return [f"not a valid JSON Schema: a pattern cannot be compiled ({err})"]
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


# --- references ---------------------------------------------------------------------------------


def _refuse_retrieval(uri: str) -> Resource:
    raise NoSuchResource(ref=uri)


def form_registry(forms: Mapping[str, str | dict]) -> Registry:
    """The deployment's forms (closed, by file name) and nothing else: any other URI is refused."""
    resources = []
    for name, form in forms.items():
        if not name.lower().endswith(".json"):
            continue
        try:
            contents = json.loads(form) if isinstance(form, str) else form
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(contents, dict):
            try:
                closed = _closed(copy.deepcopy(contents))
            except RecursionError:
                continue  # refused at deployment; a `$ref` to it is then unresolvable
            resources.append((name, Resource.from_contents(closed, default_specification=DRAFT202012)))
    return Registry(retrieve=_refuse_retrieval).with_resources(resources)


def references(schema: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(JSON Pointer of the keyword, URI) for every `$ref`-like keyword in a schema."""
    stack = [(schema, pointer)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                here = f"{where}/{_escape(key)}"
                if key in ("$ref", "$dynamicRef", "$recursiveRef") and isinstance(value, str):
                    yield here, value
                elif key not in DATA_KEYWORDS:
                    stack.append((value, here))
        elif isinstance(node, list):
            stack.extend((item, f"{where}/{i}") for i, item in enumerate(node))


def referenced_form_files(text: str) -> set[str]:
    """Names of other form files a form points at (`other.json#/$defs/x` -> `other.json`)."""
    try:
        schema = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return set()
    return {uri.split("#", 1)[0] for _, uri in references(schema) if uri.split("#", 1)[0]}


# --- the validator ------------------------------------------------------------------------------


def _timed_pattern(validator, pattern, instance, schema):
    if not validator.is_type(instance, "string"):
        return
    try:
        matched = regex_safety.search(pattern, instance)
    except regex_safety.PatternNotChecked as err:
        yield ValidationError(str(err), cause=err)
        return
    if not matched:
        yield ValidationError(f"{_short(instance)!r} does not match {pattern!r}")


def _timed_pattern_properties(validator, pattern_properties, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in pattern_properties.items():
        for key, value in instance.items():
            try:
                matched = regex_safety.search(pattern, key)
            except regex_safety.PatternNotChecked as err:
                yield ValidationError(f"the field name could not be checked: {err}", path=[key], cause=err)
                continue
            if matched:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _extras(instance: dict, schema: dict) -> tuple[list[str], bool]:
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = []
    for key in instance:
        if key in properties:
            continue
        try:
            if any(regex_safety.search(p, key) for p in patterns):
                continue
        except regex_safety.PatternNotChecked:
            return [], True
        extras.append(key)
    return extras, False


def _timed_additional_properties(validator, additional, instance, schema):
    if not validator.is_type(instance, "object"):
        return
    extras, timed_out = _extras(instance, schema)
    if timed_out:
        yield ValidationError("the field names could not be checked against the form's patterns",
                              cause=regex_safety.PatternTimeout())
        return
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        yield ValidationError(f"additional properties are not allowed ({', '.join(map(repr, sorted(extras)))})")


_FormSchemaValidator = validators.extend(
    Draft202012Validator,
    {
        "pattern": _timed_pattern,
        "patternProperties": _timed_pattern_properties,
        "additionalProperties": _timed_additional_properties,
        classifier_forms.KEYWORD: classifier_forms.check,
    },
)


class FormValidator:
    """Validates task data against one form; `registry` holds the other forms of its deployment."""

    def __init__(self, schema: dict, registry: Registry | None = None,
                 pattern_budget_seconds: float = regex_safety.FORM_REGEX_BUDGET_SECONDS) -> None:
        self.schema = schema
        self.pattern_budget_seconds = pattern_budget_seconds
        try:
            closed = _closed(copy.deepcopy(schema))
        except RecursionError:
            closed = None  # refused at deployment; a stored one refuses every submission below
        self._validator = None if closed is None else _FormSchemaValidator(
            closed, registry=registry or form_registry({}), format_checker=FORMAT_CHECKER,
        )

    def errors(self, data: Any) -> list[dict]:
        """Field-level errors in a stable order, each `engine.errors.field_error`'s
        `{"field": JSON Pointer, "message", "template", "params"}` (a form's own pattern message
        carries `texts` by language instead of a template)."""
        if self._validator is None or self.schema is UNUSABLE_FORM:
            return [field_error("", N_("the form is nested too deeply to be used: ask a process analyst"))]
        found = list(_non_finite(data))
        if found:
            return _in_order(found)
        try:
            with regex_safety.budget(self.pattern_budget_seconds):
                for error in self._validator.iter_errors(data):
                    found.extend(_describe(error))
        except Unresolvable as err:
            ref = getattr(err, "ref", None) or "?"
            return [field_error("", N_("the form refers to %(ref)r, which is not part of its deployment or does "
                                       "not exist there: the form cannot be used, ask a process analyst"), ref=ref)]
        except RecursionError:
            return [field_error("", N_("the data is nested too deeply"))]
        return _in_order(found)


def _in_order(found: list[dict]) -> list[dict]:
    """One error per (field, message), sorted; a field whose format is wrong is not also told
    that its pattern failed (a date's pattern says the same as its format, less clearly)."""
    formats = {e["field"] for e in found if e.get("keyword") == "format"}
    unique: dict[tuple[str, str], dict] = {}
    for error in found:
        keyword = error.pop("keyword", None)
        if keyword == "pattern" and error["field"] in formats:
            continue
        unique.setdefault((error["field"], error["message"]), error)
    return [unique[key] for key in sorted(unique)]


def _non_finite(data: Any) -> Iterator[dict]:
    stack = [(data, "")]
    while stack:
        node, where = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            yield field_error(where, NOT_FINITE)
        elif isinstance(node, dict):
            stack.extend((value, f"{where}/{_escape(str(key))}") for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((value, f"{where}/{i}") for i, value in enumerate(node))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _pointer(parts) -> str:
    return "".join("/" + _escape(str(p)) for p in parts)


def _describe(error: ValidationError) -> list[dict]:
    base = list(error.absolute_path)
    if isinstance(error.cause, regex_safety.PatternTimeout):
        found = [field_error(_pointer(base), N_("the value could not be checked against the form's pattern in time"))]
    elif isinstance(error.cause, regex_safety.PatternUnusable):
        found = [field_error(_pointer(base), N_("the form's pattern cannot be used (%(reason)s): ask a process analyst"),
                             reason=error.cause.reason)]
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extras, _ = _extras(error.instance, error.schema)
        found = [field_error(_pointer(base + [name]), NOT_IN_FORM) for name in extras]
    else:
        found = describe(error, _pointer)
    return [error_item | {"keyword": error.validator} for error_item in found]
