"""Field names and element ids from JSON Pointers.

A field's name is its JSON Pointer without the leading slash ("evidence/0/description"), each
part escaped as JSON Pointer says (`~0`, `~1`), so any property name maps to one name and back.
An id keeps only `[A-Za-z0-9_-]` of the name and writes every other character as `.<hex>.`: ids
never hold a space (they are listed in `aria-describedby`) nor a quote, and two names never share
an id. Suffixes the renderer adds (`.error`, `.help`, `.o3`) start with a dot followed by a letter
that is not a hex digit, so they cannot collide with an escaped character either.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def pointer(parts: list[str | int]) -> str:
    return "".join("/" + escape(str(p)) for p in parts)


def name(parts: list[str | int]) -> str:
    return "/".join(escape(str(p)) for p in parts)


def parts_of(pointer_or_name: str) -> list[str]:
    text = pointer_or_name[1:] if pointer_or_name.startswith("/") else pointer_or_name
    return [unescape(p) for p in text.split("/")] if text else []


def element_id(field_name: str) -> str:
    return "lf-" + _UNSAFE.sub(lambda m: f".{ord(m.group()):x}.", field_name)
