"""A posted task form read back into JSON data typed by its schema.

The post is read against the same field tree the page was rendered from (`fields.build`): a
checkbox that is absent is `false`, a checkbox group with nothing ticked is `[]` when the form
requires the list, an empty optional field is left out (so the validator says "required" rather
than "too short"). What cannot be read as its type (an integer "12a", a number "1e400") stays the
text the person typed: the engine's validator reports it at its field and the page shows it again.
The add/remove buttons of a list are applied here, so the page re-renders the changed list.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.form_language import BASE_LANGUAGE
from webapp.pages.form_html import names
from webapp.pages.form_html.fields import Node, build

# No list on a page grows beyond this, whatever a client posts as its length.
LIST_LIMIT = 200
_INTEGER = re.compile(r"-?[0-9]{1,300}")
_NUMBER = re.compile(r"-?[0-9]{1,300}(\.[0-9]{1,300})?([eE][-+]?[0-9]{1,4})?")
_MISSING = object()

Action = str | tuple[str, str] | tuple[str, str, int]


class BadSubmission(ValueError):
    """The post names an action the form cannot do (the page answers 400 with this sentence)."""


@dataclass
class Submission:
    data: dict
    action: Action
    """"submit", "save_draft", ("add", pointer of the list) or ("remove", pointer of the list, index)."""


def parse_submission(schema: dict, ui: dict, form: MultiDict) -> Submission:
    root = build(schema, ui, BASE_LANGUAGE)
    data = _value(root, [], form, in_list=False)
    data = data if isinstance(data, dict) else {}
    action = _action(root, form.get("action") or "submit")
    if isinstance(action, tuple):
        _apply(root, data, action)
    return Submission(data=data, action=action)


def _value(node: Node, parts: list, form: MultiDict, *, in_list: bool) -> Any:
    name = names.name(parts)
    if node.kind == "object":
        found = {}
        for child in node.children:
            value = _value(child, [*parts, child.key], form, in_list=False)
            if value is not _MISSING:
                found[child.key] = value
        return found if found or node.required or in_list or not parts else _MISSING
    if node.kind == "list":
        count = _count(name, form)
        if count == 0 and not node.required:
            return _MISSING
        items = []
        for i in range(count):
            value = _value(node.item, [*parts, i], form, in_list=True)
            items.append("" if value is _MISSING else value)
        return items
    if node.kind == "checkboxes":
        ticked = [node.choice_value(v) for v in form.getlist(name) if v != ""]
        return ticked if ticked or node.required else _MISSING
    if node.kind == "checkbox":
        text = form.get(name)
        return False if text is None else (True if text in ("true", "on") else text)
    text = form.get(name)
    if text is None or text == "":
        return _MISSING
    if node.kind == "textarea":
        text = text.replace("\r\n", "\n")  # browsers post a textarea's line breaks as CRLF
    return node.choice_value(text) if node.choices else _typed(text, node.json_type)


def _typed(text: str, json_type: str) -> Any:
    if json_type == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if json_type == "number" and _NUMBER.fullmatch(text):
        if _INTEGER.fullmatch(text):
            return int(text)
        number = float(text)
        return number if math.isfinite(number) else text
    if json_type == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def _count(name: str, form: MultiDict) -> int:
    """A list's length: the page posts it; a client that does not is read from the indices."""
    posted = form.get(name)
    if posted is not None and posted.isdigit() and len(posted) < 6:
        return min(int(posted), LIST_LIMIT)
    prefix = name + "/" if name else ""
    indices = [key[len(prefix):].split("/", 1)[0] for key in form if key.startswith(prefix)]
    return min(max((int(i) + 1 for i in indices if i.isdigit() and len(i) < 6), default=0), LIST_LIMIT)


# --- add / remove -------------------------------------------------------------------------------


def _action(root: Node, posted: str) -> Action:
    if posted in ("submit", "save_draft"):
        return posted
    verb, _, pointer = posted.partition(":")
    parts = names.parts_of(pointer) if pointer.startswith("/") else None
    if verb == "add" and parts is not None and _node_at(root, parts) is not None:
        if _node_at(root, parts).kind == "list":
            return ("add", pointer)
    if verb == "remove" and parts and parts[-1].isdigit() and len(parts[-1]) < 6:
        parent = _node_at(root, parts[:-1])
        if parent is not None and parent.kind == "list":
            return ("remove", names.pointer(parts[:-1]), int(parts[-1]))
    raise BadSubmission(f"the form has no button {posted[:80]!r}")


def _node_at(root: Node, parts: list[str]) -> Node | None:
    node = root
    for part in parts:
        if node.kind == "object":
            node = next((c for c in node.children if c.key == part), None)
        elif node.kind == "list" and part.isdigit():
            node = node.item
        else:
            return None
        if node is None:
            return None
    return node


def _apply(root: Node, data: dict, action: tuple) -> None:
    parts = names.parts_of(action[1])
    node = _node_at(root, parts)
    container: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        key: Any = int(part) if isinstance(container, list) else part
        if isinstance(container, list):
            if key >= len(container):
                return  # the item the button belonged to is gone (posted twice): nothing to do
        elif key not in container:
            container[key] = [] if last else {}
        container = container[key]
    if not isinstance(container, list):
        return
    if action[0] == "add" and len(container) < LIST_LIMIT:
        container.append({} if node is not None and node.item.kind == "object" else "")
    elif action[0] == "remove" and action[2] < len(container):
        del container[action[2]]
