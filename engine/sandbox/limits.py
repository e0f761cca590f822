"""What process data may look like so that every script of the case can still read it.

An evaluator runs with a recursion limit of 200 and reads its request as JSON; data nested a few
hundred levels deep is taken at start and then fails every script (and, deeper still, every load
of the case). Data from outside (start data, at the web layer every request body) is held to
these rules before the engine takes it.
"""

from __future__ import annotations

import json
import math
from typing import Any

from engine.errors import N_, field_error

MAX_DATA_DEPTH = 64
"""Deepest nesting of lists and objects in process data (well inside the evaluator's limit)."""
MAX_INTEGER_DIGITS = 300
"""Longest integer in process data; longer ones cost quadratic time to convert and mean nothing."""


def _pointer(parts: tuple) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts) or "/"


def data_errors(value: Any, max_bytes: int) -> list[dict]:
    """Field errors (`{"field": JSON Pointer, "message"}`) for data the sandbox would not take."""
    errors: list[dict] = []
    stack: list[tuple[Any, tuple, int]] = [(value, (), 0)]
    while stack and len(errors) < 20:
        node, path, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth >= MAX_DATA_DEPTH:
                errors.append(field_error(_pointer(path), N_("nested deeper than %(depth)s levels"), depth=MAX_DATA_DEPTH))
                continue
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((item, (*path, key), depth + 1) for key, item in items)
        elif isinstance(node, float) and not math.isfinite(node):
            errors.append(field_error(_pointer(path), N_("not a finite number")))
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) >= 10**MAX_INTEGER_DIGITS:
            errors.append(field_error(_pointer(path), N_("an integer of more than %(digits)s digits"), digits=MAX_INTEGER_DIGITS))
    if not errors:
        size = len(json.dumps(value, ensure_ascii=False, allow_nan=False).encode())
        if size > max_bytes:
            errors.append(field_error("/", N_("%(size)s bytes as JSON, more than the %(max)s allowed"), size=size, max=max_bytes))
    return errors

