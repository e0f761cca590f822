"""A form whose `$ref`s point at other form files of its deployment, with those parts copied in.

`render_form` and `parse_submission` follow a `$ref` inside the form itself; a `$ref` to another
file of the deployment (`shared.json#/$defs/note`, which deployment allows) is resolved here first,
by the page, from the deployment's forms. A reference that does not resolve is left as it is (it
was refused at deployment; a stored older form shows a plain text field for it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from webapp.pages.form_html.names import parts_of

# How many references are copied in at most: a cycle or a fan of references stops here.
COPY_LIMIT = 500
# A chain of references (a form that contains itself) is copied in this many times at most.
DEPTH_LIMIT = 10
# Data, or definitions that are only shown where a field refers to them.
_NOT_COPIED_INTO = ("const", "enum", "default", "examples", "$defs", "definitions")


def with_references(schema: dict, forms: Mapping[str, str | dict]) -> dict:
    """`schema` with every `$ref` (to itself or to another file of `forms`) copied in."""
    loaded = {key: _load(value) for key, value in forms.items()}
    budget = [COPY_LIMIT]
    result = _inline(schema, loaded, schema, budget)
    return result if isinstance(result, dict) else schema


def _load(form: str | dict) -> Any:
    if isinstance(form, dict):
        return form
    try:
        return json.loads(form)
    except (json.JSONDecodeError, RecursionError, TypeError):
        return None


def _inline(node: Any, forms: dict[str, Any], root: Any, budget: list[int], depth: int = 0) -> Any:
    if isinstance(node, list):
        return [_inline(item, forms, root, budget, depth) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and budget[0] > 0 and depth < DEPTH_LIMIT:
        target_file, _, fragment = ref.partition("#")
        document = forms.get(target_file) if target_file else root
        target = _at(document, fragment)
        if isinstance(target, dict):
            budget[0] -= 1
            rest = {k: v for k, v in node.items() if k != "$ref"}
            # The target's own `#` references are relative to its own file.
            return _inline({**target, **rest}, forms, document, budget, depth + 1)
    return {key: value if key in _NOT_COPIED_INTO else _inline(value, forms, root, budget, depth)
            for key, value in node.items()}


def _at(document: Any, fragment: str) -> Any:
    target = document
    for part in parts_of(fragment) if fragment else []:
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            return None
    return target
