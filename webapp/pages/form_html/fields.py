"""A form's shape: the tree of fields the page shows, built from the JSON Schema and the UI schema.

The same tree drives rendering and parsing, so what a page shows is exactly what a post is read
against (a checkbox that is absent means `false` only because the tree says it was shown as one).
Labels, help and choice titles are taken in the reader's language (`engine.form_language`); the
few words the page itself adds ("Yes", "Add", "Required when …") come from Flask-Babel, called
while the caller's language is in force.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from engine.form_keywords import is_choice, resolve
from engine.form_language import localised
from webapp.pages.form_html.html_pattern import html_pattern

# Which input a string of a given `format` becomes when the UI schema names no widget.
_FORMAT_WIDGETS = {"date": "date", "date-time": "datetime", "email": "email"}
# A choice with more options than this is a select unless the UI schema says radio.
RADIO_LIMIT = 5
# A form that refers to itself (`$ref` to an enclosing schema) is shown this many levels deep.
DEPTH_LIMIT = 10
MISSING = object()


@dataclass
class Node:
    """One field. `kind` is the input: object, list, checkboxes, radio, select, checkbox, text,
    textarea, date, datetime, email, number, hidden."""

    kind: str
    key: str
    json_type: str
    label: str
    required: bool = False
    required_when: list[str] = field(default_factory=list)
    help: str | None = None
    description: str | None = None
    placeholder: str | None = None
    rows: int | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    choices: list[tuple[str, Any, str]] = field(default_factory=list)  # (posted value, JSON value, label)
    children: list[Node] = field(default_factory=list)
    item: Node | None = None
    default: Any = MISSING

    def choice_value(self, posted: str) -> Any:
        """The JSON value of a posted option; an unknown one stays the posted text (the validator says so)."""
        for text, value, _label in self.choices:
            if text == posted:
                return value
        return posted


def posted_text(value: Any) -> str:
    """How a JSON value is written into an input: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)


def build(schema: dict, ui: dict, lang: str) -> Node:
    """The root field (an object) of a form in `lang`."""
    shown = localised(schema if isinstance(schema, dict) else {}, lang)
    shown_ui = localised(ui if isinstance(ui, dict) else {}, lang)
    return _node(shown, shown_ui, "", required=True, root=shown)


def _node(schema: Any, ui: Any, key: str, *, required: bool, root: dict, depth: int = 0) -> Node:
    if depth > DEPTH_LIMIT:
        schema = {"type": "object", "title": schema.get("title") if isinstance(schema, dict) else None}
    schema = resolve(schema, root)
    schema = schema if isinstance(schema, dict) else {}
    ui = ui if isinstance(ui, dict) else {}
    label = _text(ui.get("ui:title")) or _text(schema.get("title")) or key
    widget = ui.get("ui:widget")
    json_type = _json_type(schema, root)
    node = Node(kind="text", key=key, json_type=json_type, label=label, required=required,
                help=_text(ui.get("ui:help")),
                description=_text(ui.get("ui:description")) or _text(schema.get("description")),
                placeholder=_text(ui.get("ui:placeholder")))
    if "default" in schema:
        node.default = schema["default"]
    elif "const" in schema:
        node.default = schema["const"]
    if ui.get("ui:autofocus") is True:
        node.attrs["autofocus"] = "autofocus"
    if json_type == "object":
        node.kind = "object"
        node.children = _children(schema, ui, root, depth)
    elif json_type == "array":
        items = resolve(schema.get("items"), root)
        if is_choice(items) and widget != "list":
            node.kind = "checkboxes"
            node.choices = _choices(items if isinstance(items, dict) else {})
        else:
            node.kind = "list"
            node.item = _node(items, ui.get("items"), "", required=True, root=root, depth=depth + 1)
            if node.item.label == "":
                node.item.label = label
    elif is_choice(schema) or json_type == "boolean":
        node.choices = _choices(schema) if is_choice(schema) else [("true", True, _("Yes")), ("false", False, _("No"))]
        if widget == "hidden":
            node.kind = "hidden"
        elif json_type == "boolean" and widget not in ("radio", "select"):
            node.kind = "checkbox"
        else:
            node.kind = widget if widget in ("radio", "select") else (
                "radio" if len(node.choices) <= RADIO_LIMIT else "select")
    else:
        node.kind = _scalar_kind(widget, schema, json_type)
        node.rows = _rows(ui) if node.kind == "textarea" else None
        _scalar_attrs(node, schema)
    return node


def _children(schema: dict, ui: dict, root: dict, depth: int) -> list[Node]:
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    required = set(schema.get("required") or [])
    when = _required_when(schema, properties, root)
    order = [n for n in ui.get("ui:order") or [] if n in properties]
    rest = [n for n in properties if n not in order]
    if "*" in (ui.get("ui:order") or []):
        star = ui["ui:order"].index("*")
        before = [n for n in ui["ui:order"][:star] if n in properties]
        order = before + rest + [n for n in ui["ui:order"][star + 1:] if n in properties]
    else:
        order = order + rest
    children = []
    for name in order:
        child = _node(properties[name], ui.get(name), name, required=name in required, root=root, depth=depth + 1)
        child.required_when = when.get(name, [])
        children.append(child)
    return children


def _required_when(schema: dict, properties: dict, root: dict) -> dict[str, list[str]]:
    """'Required when …' sentences for the fields an `if`/`then` (or `else`) makes required."""
    found: dict[str, list[str]] = {}
    rules = [schema] + [item for item in schema.get("allOf") or [] if isinstance(item, dict)]
    for rule in rules:
        condition = rule.get("if")
        if not isinstance(condition, dict):
            continue
        for branch, negated in (("then", False), ("else", True)):
            target = rule.get(branch)
            if not isinstance(target, dict):
                continue
            sentence = _condition_sentence(condition, properties, root, negated)
            names = list(target.get("required") or []) + list(target.get("properties") or {})
            for name in dict.fromkeys(names):
                found.setdefault(name, []).append(sentence)
    return found


def _condition_sentence(condition: dict, properties: dict, root: dict, negated: bool) -> str:
    conditions = condition.get("properties") if isinstance(condition.get("properties"), dict) else {}
    if len(conditions) == 1 and not negated:
        [(name, test)] = conditions.items()
        if isinstance(test, dict) and "const" in test and name in properties:
            subject = _node(properties[name], {}, name, required=False, root=root)
            value = test["const"]
            label = next((c[2] for c in subject.choices if c[1] == value and type(c[1]) is type(value)),
                         posted_text(value))
            return _("Required when “%(field)s” is “%(value)s”.", field=subject.label, value=label)
    return _("Required depending on other answers.")


def _choices(schema: dict) -> list[tuple[str, Any, str]]:
    if isinstance(schema.get("oneOf"), list):
        return [(posted_text(c.get("const")), c.get("const"), _text(c.get("title")) or posted_text(c.get("const")))
                for c in schema["oneOf"] if isinstance(c, dict) and "const" in c]
    return [(posted_text(v), v, posted_text(v)) for v in schema.get("enum") or []]


def _json_type(schema: dict, root: dict) -> str:
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    consts = [c.get("const") for c in schema.get("oneOf") or [] if isinstance(c, dict)] + list(schema.get("enum") or [])
    if "const" in schema:
        consts.append(schema["const"])
    if consts and all(isinstance(c, bool) for c in consts):
        return "boolean"
    if consts and all(isinstance(c, int) and not isinstance(c, bool) for c in consts):
        return "integer"
    return "string"


def _scalar_kind(widget: Any, schema: dict, json_type: str) -> str:
    if widget in ("textarea", "date", "datetime", "email", "hidden"):
        return widget
    if json_type in ("integer", "number"):
        return "number"
    return _FORMAT_WIDGETS.get(schema.get("format"), "text")


def _scalar_attrs(node: Node, schema: dict) -> None:
    attrs = node.attrs
    if node.kind in ("text", "textarea", "email", "datetime"):
        for keyword, attr in (("minLength", "minlength"), ("maxLength", "maxlength")):
            if isinstance(schema.get(keyword), int):
                attrs[attr] = str(schema[keyword])
    if node.kind in ("text", "email", "datetime") and isinstance(schema.get("pattern"), str):
        pattern = html_pattern(schema["pattern"])
        if pattern is not None:
            attrs["pattern"] = pattern
    if node.kind == "number":
        for keyword, attr in (("minimum", "min"), ("maximum", "max"), ("multipleOf", "step")):
            if isinstance(schema.get(keyword), int | float) and not isinstance(schema.get(keyword), bool):
                attrs[attr] = posted_text(schema[keyword])
        attrs.setdefault("step", "1" if node.json_type == "integer" else "any")
    if node.kind == "datetime" and not node.placeholder:
        node.placeholder = "2027-01-04T10:00+02:00"


def _rows(ui: dict) -> int | None:
    rows = (ui.get("ui:options") or {}).get("rows") if isinstance(ui.get("ui:options"), dict) else None
    return rows if isinstance(rows, int) and 1 <= rows <= 50 else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
