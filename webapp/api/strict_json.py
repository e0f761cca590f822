"""The one JSON reader of the API: only standard, bounded JSON gets past it.

Python's `json` accepts `NaN`, `Infinity`, `1e400` (read as infinity), integers of any length
(thousands of digits cost quadratic time to convert), unpaired surrogates that no database or
UTF-8 encoder takes, and nesting until the interpreter's recursion limit. Each of those reached
a 500 somewhere further in; here they are refused with one sentence before anything else runs.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask_babel import gettext as _

from engine.sandbox.limits import MAX_DATA_DEPTH as MAX_DEPTH
from engine.sandbox.limits import MAX_INTEGER_DIGITS


class RejectedJson(ValueError):
    """The body is not JSON this API takes; `message` says why in a sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _refuse_constant(name: str) -> Any:
    raise RejectedJson(_("%(name)s is not a JSON number: send a finite number or null", name=name))


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise RejectedJson(_("the number %(text)s is too large for a double-precision number", text=text[:40]))
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise RejectedJson(_("an integer has more than %(digits)d digits", digits=MAX_INTEGER_DIGITS))
    return int(text)


def loads(raw: bytes, max_bytes: int) -> Any:
    """The parsed body, or `RejectedJson` saying what is wrong with it."""
    if len(raw) > max_bytes:
        raise RejectedJson(_("the JSON body is larger than %(kb)d KB", kb=max_bytes // 1024))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RejectedJson(_("the body is not UTF-8 text (byte %(at)d)", at=err.start)) from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise RejectedJson(_("the JSON is nested deeper than %(depth)d levels", depth=MAX_DEPTH)) from None
    except json.JSONDecodeError as err:
        raise RejectedJson(
            _("the body is not valid JSON: %(reason)s at line %(line)d, column %(column)d",
              reason=err.msg, line=err.lineno, column=err.colno)
        ) from None
    check_value(value)
    return value


def check_value(value: Any) -> None:
    """Depth and text checks, without recursion (the value may be as deep as the parser allowed)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                raise RejectedJson(_("the JSON is nested deeper than %(depth)d levels", depth=MAX_DEPTH))
            for key, item in node.items():
                _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(node, list):
            if depth > MAX_DEPTH:
                raise RejectedJson(_("the JSON is nested deeper than %(depth)d levels", depth=MAX_DEPTH))
            stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str):
            _check_text(node)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise RejectedJson(_("a string holds an unpaired surrogate (\\ud800-\\udfff): it is not text")) from None


def sanitise(value: Any) -> Any:
    """A copy with non-finite floats as null: a response is standard JSON even if stored data is not."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: sanitise(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitise(item) for item in value]
    return value
