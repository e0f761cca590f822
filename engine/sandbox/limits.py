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
                errors.append({"field": _pointer(path), "message": f"nested deeper than {MAX_DATA_DEPTH} levels"})
                continue
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((item, (*path, key), depth + 1) for key, item in items)
        elif isinstance(node, float) and not math.isfinite(node):
            errors.append({"field": _pointer(path), "message": "not a finite number"})
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) >= 10**MAX_INTEGER_DIGITS:
            errors.append({"field": _pointer(path), "message": f"an integer of more than {MAX_INTEGER_DIGITS} digits"})
    if not errors:
        size = len(json.dumps(value, ensure_ascii=False, allow_nan=False).encode())
        if size > max_bytes:
            errors.append({"field": "/", "message": f"{size} bytes as JSON, more than the {max_bytes} allowed"})
    return errors

