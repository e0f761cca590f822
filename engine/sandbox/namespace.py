"""The names sandboxed code can see: a short list of builtins and frozen helper namespaces.

Everything here is either a builtin type/function implemented in C (no `__globals__` to walk) or a
closure made fresh for each evaluation, so nothing one evaluation does is seen by the next.
"""

from __future__ import annotations

import datetime as _dt
import decimal as _decimal
import math as _math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine import deadlines
from engine.sandbox.policy import IMPORTABLE

_SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "callable", "chr", "dict", "divmod", "enumerate", "filter",
    "float", "frozenset", "hash", "hex", "int", "isinstance", "iter", "len", "list", "map", "max",
    "min", "next", "oct", "ord", "pow", "range", "repr", "reversed", "round", "set", "slice",
    "sorted", "str", "sum", "tuple", "zip", "bin", "ascii",
    # Exceptions, so that scripts can raise and catch the ordinary ones.
    "Exception", "ArithmeticError", "AssertionError", "IndexError", "KeyError", "LookupError",
    "NameError", "OverflowError", "StopIteration", "TypeError", "ValueError",
    "ZeroDivisionError",
)
_CONSTANTS = {"True": True, "False": False, "None": None}


class FrozenNamespace:
    """A read-only bag of attributes standing in for a module (`math.sqrt`, `datetime.date`)."""

    __slots__ = ("_members", "_name")

    def __init__(self, name: str, members: dict[str, Any]) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_members", dict(members))

    def __getattr__(self, attr: str) -> Any:
        members = object.__getattribute__(self, "_members")
        if attr.startswith("_") or attr not in members:
            name = object.__getattribute__(self, "_name")
            raise AttributeError(f"{name} has no attribute {attr!r} available in process scripts")
        return members[attr]

    def __setattr__(self, attr: str, value: Any) -> None:
        raise AttributeError("helper modules are read-only")

    def __delattr__(self, attr: str) -> None:
        raise AttributeError("helper modules are read-only")

    def __repr__(self) -> str:
        return f"<helper module {object.__getattribute__(self, '_name')}>"


def _module(name: str, source: Any) -> FrozenNamespace:
    return FrozenNamespace(name, {member: getattr(source, member) for member in IMPORTABLE[name]})


MODULES = {
    "datetime": FrozenNamespace(
        "datetime",
        {"date": _dt.date, "datetime": _dt.datetime, "time": _dt.time,
         "timedelta": _dt.timedelta, "timezone": FrozenNamespace("timezone", {"utc": _dt.UTC})},
    ),
    "decimal": _module("decimal", _decimal),
    "math": _module("math", _math),
}


def _restricted_import(name: str, globals: Any = None, locals: Any = None,
                       fromlist: Any = (), level: int = 0) -> FrozenNamespace:
    # Backs the `import` statement for the whitelisted helper modules; the static policy has
    # already refused every other import, this refuses them again at run time.
    if level or name not in MODULES:
        raise ImportError(f"importing {name!r} is not allowed in process scripts")
    return MODULES[name]


SAFE_BUILTINS: dict[str, Any] = {
    **{name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
       for name in _SAFE_BUILTIN_NAMES},
    **_CONSTANTS,
    "__import__": _restricted_import,
}

HELPER_NAMES = frozenset({"working_days", "days", "months", "hours", "now", "today", "Decimal", "date", "timedelta",
                          "datetime", "math", "decimal"})


def helpers(now: datetime) -> dict[str, Callable[..., Any] | Any]:
    """Deadline helpers bound to the engine clock's `now` for one evaluation."""

    def working_days(n: int, start: str | None = None) -> str:
        return deadlines.working_days_deadline(now, n, start).isoformat()

    def days(n: int, start: str | None = None) -> str:
        return deadlines.days_deadline(now, n, start).isoformat()

    def months(n: int, start: str | None = None) -> str:
        return deadlines.months_deadline(now, n, start).isoformat()

    def hours(n: float, start: str | None = None) -> str:
        return deadlines.hours_deadline(now, n, start).isoformat()

    def now_() -> datetime:
        return now

    def today() -> _dt.date:
        return deadlines.riga_today(now)

    return {
        "working_days": working_days,
        "days": days,
        "months": months,
        "hours": hours,
        "now": now_,
        "today": today,
        "Decimal": _decimal.Decimal,
        "date": _dt.date,
        "timedelta": _dt.timedelta,
        "math": MODULES["math"],
        "decimal": MODULES["decimal"],
    }


def make_globals(data: dict[str, Any], now: datetime,
                 external: dict[str, Any] | None = None) -> dict[str, Any]:
    """Globals for one evaluation: helpers, then external context, then task data on top.

    `datetime` is deliberately the module (so `datetime.datetime(...)` and `datetime.date` both
    work as in SpiffWorkflow's default environment), unless task data defines its own.
    """
    scope: dict[str, Any] = {"__builtins__": dict(SAFE_BUILTINS)}
    scope.update(helpers(now))
    scope["datetime"] = MODULES["datetime"]
    scope.update(external or {})
    scope.update(data)
    return scope
