"""Values across the process boundary: JSON with a few tagged types, and length-prefixed frames.

Deliberately not pickle: whatever comes back from a worker is data the parent parses, never
instructions it follows, so even a worker fully taken over cannot make the web server run code.
"""

from __future__ import annotations

import json
import struct
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, BinaryIO

TAG = "$lieta"
HEADER = struct.Struct(">I")


class UnsupportedValue(TypeError):
    """A value that cannot cross the boundary; `path` says where it sits (e.g. `result['a'][2]`)."""

    def __init__(self, path: str, value: Any) -> None:
        self.path = path
        self.type_name = type(value).__name__
        super().__init__(f"{path} holds a value of type '{self.type_name}', which cannot be kept "
                         "in process data (use numbers, strings, lists, dicts, dates or Decimal)")


def encode(value: Any, path: str = "value") -> Any:
    """A JSON-ready copy of `value`; raises `UnsupportedValue` naming the first bad place."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if kind is list:
        return [encode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if kind is dict:
        if TAG not in value and all(type(k) is str for k in value):
            return {k: encode(v, f"{path}[{k!r}]") for k, v in value.items()}
        pairs = [[encode(k, f"{path} key"), encode(v, f"{path}[{k!r}]")] for k, v in value.items()]
        return {TAG: "dict", "v": pairs}
    if kind is tuple:
        return {TAG: "tuple", "v": [encode(item, f"{path}[{i}]") for i, item in enumerate(value)]}
    if kind in (set, frozenset):
        items = [encode(item, f"{path} item") for item in value]
        return {TAG: kind.__name__, "v": items}
    if kind is datetime:
        return {TAG: "datetime", "v": value.isoformat()}
    if kind is date:
        return {TAG: "date", "v": value.isoformat()}
    if kind is time:
        return {TAG: "time", "v": value.isoformat()}
    if kind is timedelta:
        return {TAG: "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if kind is Decimal:
        return {TAG: "Decimal", "v": str(value)}
    raise UnsupportedValue(path, value)


_DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda v: timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
    "Decimal": Decimal,
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
    "dict": lambda pairs: {_hashable(k): v for k, v in pairs},
}


def _hashable(key: Any) -> Any:
    if isinstance(key, (list, dict, set)):
        raise TypeError("a dict key must be a number, string, tuple or date")
    return key


def _object_hook(obj: dict) -> Any:
    if TAG not in obj:
        return obj
    decoder = _DECODERS.get(obj[TAG]) if isinstance(obj[TAG], str) else None
    if decoder is None or set(obj) != {TAG, "v"}:
        raise ValueError(f"unknown tagged value {obj[TAG]!r}")
    return decoder(obj["v"])


def exceeds(value: Any, limit: int) -> bool:
    """True when `value` would encode to more than about `limit` bytes.

    Walks shared references as the encoder would (a list holding the same big string four times
    counts it four times) but stops as soon as the limit is passed, so the cost is bounded by the
    limit, not by the (possibly exponential) encoded size.
    """
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            total += len(item) + 2
        elif kind is int:
            total += item.bit_length() // 3 + 1
        elif kind in (list, tuple, set, frozenset):
            total += 2 + len(item)
            stack.extend(item)
        elif kind is dict:
            total += 2 + len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            total += 32  # numbers, dates, None: small and fixed
        if total > limit:
            return True
    return False


def dumps(message: Any) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


def loads(raw: bytes) -> Any:
    return json.loads(raw, object_hook=_object_hook)


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
