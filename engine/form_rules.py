"""Deployment checks on form files beyond JSON Schema validity.

Each finding is `(JSON Pointer inside the form, sentence)`, so the analyst is told the file and
the exact place:
- every `$ref` stays inside the form (`#/$defs/x`) or points at another form file of the same
  deployment (`other.json#/$defs/x`) and resolves there; `file://`, `http://` and any other URI
  are refused, as are `$id` (it would change what relative references mean) and a `$schema`
  other than draft 2020-12;
- every `pattern` and `patternProperties` key passes `engine.regex_safety`;
- labels in English are text under `x-<key>-en`, and no field is named that way;
- money is a string `^\\d+\\.\\d{2}$`, never a number: a property whose name ends with `amount`,
  `fee`, `sum` or `_eur`, or that says `"x-money": true`, must be declared so.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from referencing import Registry
from referencing.exceptions import Unresolvable

from engine.form_language import is_english_variant
from engine.forms import DATA_KEYWORDS, form_registry, references
from engine.regex_safety import pattern_problems

MONEY_PATTERN = r"^\d+\.\d{2}$"
MONEY_SUFFIXES = ("amount", "fee", "sum", "_eur")
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def form_problems(name: str, text: str, forms: Mapping[str, str]) -> list[tuple[str, str]]:
    """Problems of one (already valid JSON Schema) form; `forms` are all forms of the deployment."""
    schema = json.loads(text)
    registry = form_registry({**forms, name: text})
    found = list(_reference_problems(name, schema, forms, registry))
    found.extend(_pattern_problems(schema))
    found.extend(_money_problems(name, schema, registry))
    found.extend(_language_problems(schema))
    return list(dict.fromkeys(found))


def _reference_problems(name: str, schema: dict, forms: Mapping[str, str],
                        registry: Registry) -> Iterator[tuple[str, str]]:
    for pointer, node in _schemas(schema):
        if "$id" in node:
            yield f"{pointer}/$id", "`$id` is not allowed: a form is known by its file name"
        if isinstance(node.get("$schema"), str) and node["$schema"].rstrip("#") != DRAFT_2020_12:
            yield f"{pointer}/$schema", f"forms are JSON Schema draft 2020-12 ({DRAFT_2020_12})"
    resolver = registry.resolver(base_uri=name)
    for pointer, uri in references(schema):
        try:
            parts = urlsplit(uri)
        except ValueError:  # e.g. "http://[::1": not a reference into the deployment either
            parts = None
        target = uri.split("#", 1)[0]
        if parts is None or parts.scheme or parts.netloc or target.startswith("/") or "\\" in target:
            yield pointer, (f"`{uri}` points outside the deployment: a $ref may only point inside "
                            "the form (#/...) or at another form file of the same deployment")
            continue
        if target and target not in forms:
            yield pointer, f"`{uri}` names the form file {target!r}, which is not in the upload"
            continue
        try:
            resolver.lookup(uri)
        except (Unresolvable, ValueError, TypeError, LookupError):
            yield pointer, f"`{uri}` does not resolve: no such place in {target or name!r}"


def _pattern_problems(schema: dict) -> Iterator[tuple[str, str]]:
    uses_pattern_properties = False
    for pointer, node in _schemas(schema):
        if isinstance(node.get("pattern"), str):
            for problem in pattern_problems(node["pattern"]):
                yield f"{pointer}/pattern", f"pattern {node['pattern']!r}: {problem}"
        if isinstance(node.get("patternProperties"), dict):
            uses_pattern_properties = True
            for key in node["patternProperties"]:
                for problem in pattern_problems(key):
                    yield (f"{pointer}/patternProperties/{_escape(key)}",
                           f"pattern {key!r}: {problem}")
    if uses_pattern_properties:
        # jsonschema matches patternProperties for `unevaluatedProperties` with `re`, untimed.
        for pointer, node in _schemas(schema):
            if "unevaluatedProperties" in node:
                yield (f"{pointer}/unevaluatedProperties",
                       "`unevaluatedProperties` cannot be combined with `patternProperties` in a form")


_NAME_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependentRequired")


def _language_problems(schema: dict) -> Iterator[tuple[str, str]]:
    """`x-<key>-en` is the English of a label (`engine.form_language`): it is text, and no field
    may be named that way (it would vanish from the form a person is shown)."""
    for pointer, node in _schemas(schema):
        names = pointer.rsplit("/", 1)[-1] in _NAME_MAPS  # its keys are field names, not keywords
        for key, value in node.items():
            if not names and isinstance(key, str) and is_english_variant(key) and not isinstance(value, str):
                yield f"{pointer}/{_escape(key)}", f"`{key}` is the English text of a label: it must be a string"
        properties = node.get("properties")
        if isinstance(properties, dict):
            for field in properties:
                if is_english_variant(field):
                    yield (f"{pointer}/properties/{_escape(field)}",
                           f"a field may not be named {field!r}: `x-…-en` keys hold the English of a label")


def is_money_name(field: str) -> bool:
    return field.lower().endswith(MONEY_SUFFIXES)


def _money_problems(name: str, schema: dict, registry: Registry) -> Iterator[tuple[str, str]]:
    resolver = registry.resolver(base_uri=name)
    for pointer, node in _schemas(schema):
        properties = node.get("properties")
        if isinstance(properties, dict):
            for field, sub in properties.items():
                if isinstance(sub, dict) and (is_money_name(field) or sub.get("x-money") is True):
                    problem = _money_declaration_problem(sub, resolver)
                    if problem:
                        yield f"{pointer}/properties/{_escape(field)}", f"{field!r} holds money: {problem}"
        if node.get("x-money") is True and not _is_under_properties(pointer):
            problem = _money_declaration_problem(node, resolver)
            if problem:
                yield pointer or "/", f"this schema holds money: {problem}"


def _money_declaration_problem(sub: dict, resolver) -> str | None:
    if "type" not in sub and isinstance(sub.get("$ref"), str):
        try:
            target = resolver.lookup(sub["$ref"]).contents
        except (Unresolvable, ValueError, TypeError, LookupError):
            return None  # reported by the reference check
        if isinstance(target, dict):
            sub = target
    if sub.get("type") != "string" or sub.get("pattern") != MONEY_PATTERN:
        return (f'declare it as {{"type": "string", "pattern": "{MONEY_PATTERN}"}} '
                '(euros and cents as text, e.g. "1250.00"), never as a number')
    return None


def _is_under_properties(pointer: str) -> bool:
    parts = pointer.split("/")
    return len(parts) >= 2 and parts[-2] == "properties"


def _schemas(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict]]:
    """Every (sub-)schema object with its JSON Pointer; data keywords are not descended."""
    stack = [(schema, pointer)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            yield where, node
            for key, value in node.items():
                if key not in DATA_KEYWORDS:
                    stack.append((value, f"{where}/{_escape(key)}"))
        elif isinstance(node, list):
            stack.extend((item, f"{where}/{i}") for i, item in enumerate(node))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
