"""Readers that turn untrusted JSON-like data into typed values or a SolverInputError."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from solvers.errors import SolverInputError

_MISSING = object()


def require_mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SolverInputError(path, "must be an object")
    return value


def field(data: Mapping[str, Any], key: str, path: str, default: Any = _MISSING) -> Any:
    if key in data:
        return data[key]
    if default is _MISSING:
        raise SolverInputError(join(path, key), "is required but missing")
    return default


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def as_list(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise SolverInputError(path, "must be a list")
    return value


def as_str(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise SolverInputError(path, "must be a non-empty string")
    return value


def as_id(value: Any, path: str) -> str:
    """Ids may be given as strings or integers; both are compared as strings."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise SolverInputError(path, "must be a non-empty string or an integer")
    return str(value)


def as_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise SolverInputError(path, "must be true or false")
    return value


def as_int(value: Any, path: str, minimum: int | None = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SolverInputError(path, "must be an integer")
    if minimum is not None and value < minimum:
        raise SolverInputError(path, f"must be at least {minimum}, got {value}")
    return value


def as_number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SolverInputError(path, "must be a finite number")
    return float(value)


def as_str_list(value: Any, path: str) -> tuple[str, ...]:
    return tuple(as_str(item, f"{path}[{i}]") for i, item in enumerate(as_list(value, path)))


def as_id_list(value: Any, path: str) -> tuple[str, ...]:
    return tuple(as_id(item, f"{path}[{i}]") for i, item in enumerate(as_list(value, path)))


def as_date(value: Any, path: str) -> dt.date:
    if not isinstance(value, str):
        raise SolverInputError(path, "must be a date string YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad_date(path, value)
    except ValueError:
        return _bad_date(path, value)


def _bad_date(path: str, value: str) -> dt.date:
    raise SolverInputError(path, f"must be a date YYYY-MM-DD, got {value!r}")


def as_clock(value: Any, path: str) -> int:
    """'HH:MM' → minutes after midnight."""
    if isinstance(value, str) and len(value) == 5 and value[2] == ":":
        hours, minutes = value[:2], value[3:]
        if hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60:
            return int(hours) * 60 + int(minutes)
    raise SolverInputError(path, f"must be a time HH:MM, got {value!r}")


def as_datetime(value: Any, path: str) -> dt.datetime:
    """'YYYY-MM-DDTHH:MM' local (Europe/Riga) wall-clock time, no offset."""
    if isinstance(value, str) and len(value) == 16 and value[10] == "T":
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise SolverInputError(path, f"must be a local time YYYY-MM-DDTHH:MM, got {value!r}")


def require_unique(ids: Iterable[str], path: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            raise SolverInputError(f"{path}[{index}].id", f"duplicate id {item!r}")
        seen.add(item)
