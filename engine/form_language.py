"""A form's labels and help in the reader's language.

A form (JSON Schema or its UI schema) is written in Latvian, the base language, and may carry the
English text beside each label: the key `x-<key>-en` is the English of `<key>` in the same object,
e.g. `title` / `x-title-en`, `description` / `x-description-en`, `ui:help` / `x-ui:help-en`,
`ui:placeholder` / `x-ui:placeholder-en`, `ui:description` / `x-ui:description-en`, a `oneOf`
item's `title` / `x-title-en`; an extension keyword's English is its name plus `-en`:
`x-pattern-message` / `x-pattern-message-en`. (A field may therefore not be named `x-...-en`.)

`localised(schema, "lv")` is the form as written; `localised(schema, "en")` has every English
text in place of its base where one is given (the Latvian stays where none is). Both drop every
`x-*-en` key, so a client sees one language. Values that are data (`const`, `enum`, `default`,
`examples`) are never touched. The engine gets a plain language code; the web layer decides it.
"""

from __future__ import annotations

import re
from typing import Any

BASE_LANGUAGE = "lv"
# Only English is written beside the Latvian today; another language would be one more code here.
_VARIANT = re.compile(r"x-(.+)-(en)")
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples"})


def is_english_variant(key: str) -> bool:
    """Whether a key holds the English of another (`x-title-en`, `x-ui:help-en`)."""
    return _VARIANT.fullmatch(key) is not None


def localised(schema: Any, language: str) -> Any:
    """A copy of the form in `language` (a two-letter code); the input is never changed."""
    stack: list[tuple[Any, Any]] = []
    result = _copy_node(schema, language, stack)
    while stack:
        source, target = stack.pop()
        if isinstance(source, dict):
            for key, value in source.items():
                # A key replaced by its English text keeps that text; data values stay as written.
                if key not in _DATA_KEYWORDS and isinstance(value, dict | list) and target.get(key) is value:
                    target[key] = _copy_node(value, language, stack)
        else:
            target[:] = [_copy_node(item, language, stack) for item in source]
    return result


def _copy_node(node: Any, language: str, stack: list) -> Any:
    """A shallow copy in `language`; containers inside are filled in later from `stack`."""
    if isinstance(node, list):
        copy_: list = list(node)
        stack.append((node, copy_))
        return copy_
    if not isinstance(node, dict):
        return node
    shown = {}
    for key, value in node.items():
        if isinstance(key, str) and _VARIANT.fullmatch(key):
            continue
        shown[key] = value
    if language != BASE_LANGUAGE:
        for key, value in node.items():
            match = _VARIANT.fullmatch(key) if isinstance(key, str) else None
            if match and match.group(2) == language and isinstance(value, str):
                # An extension keyword's own English is itself plus "-en" (`x-pattern-message-en`).
                own = f"x-{match.group(1)}"
                shown[own if own in node else match.group(1)] = value
    stack.append((node, shown))
    return shown
