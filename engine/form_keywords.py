"""What the staff task page can show of a form, and the problems of a form that uses anything else.

The task page renders a form on the server from its JSON Schema and UI schema
(`webapp.pages.form_html`). A keyword it cannot show would leave a person facing a form they
cannot fill in, so deployment refuses it (`engine.lint`) and names the place and the keyword.

Three kinds of schema node are told apart:
- a *field* schema (the form itself, a property, an array's items): only `FIELD_KEYWORDS`;
- a *condition* (`if`, `then`, `else`, `not`, an `allOf` item): validation only, any keyword the
  validator knows, except that `then`/`else` may not bring in a field the form does not show;
- a *choice* (an item of `oneOf`): a `const` with its title.
Every `x-…` extension (`x-money`, `x-pattern-message`, `x-title-en`) is annotation and allowed.

Each problem is `(JSON Pointer, message id marked with N_, params)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.errors import N_
from engine.form_language import is_english_variant

FIELD_KEYWORDS = frozenset({
    "$schema", "$comment", "$defs", "$ref", "title", "description", "type", "properties", "required",
    "items", "oneOf", "enum", "const", "default", "examples", "format", "pattern", "minLength",
    "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minItems", "maxItems", "uniqueItems", "allOf", "if", "then", "else", "not",
    "additionalProperties", "deprecated",
})
CHOICE_KEYWORDS = frozenset({"const", "title", "description", "$comment"})
SHOWN_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean"})

UI_KEYS = frozenset({"ui:order", "ui:widget", "ui:help", "ui:description", "ui:placeholder", "ui:options",
                     "ui:title",
                     "ui:autofocus"})
UI_OPTIONS = frozenset({"rows"})
# Which widget can show which kind of field ("choice": a oneOf/enum of consts).
WIDGETS = {
    "text": {"string", "integer", "number"},
    "textarea": {"string"},
    "email": {"string"},
    "date": {"string"},
    "datetime": {"string"},
    "hidden": {"string", "integer", "number", "boolean", "choice"},
    "radio": {"choice", "boolean"},
    "select": {"choice", "boolean"},
    "checkbox": {"boolean"},
    "checkboxes": {"choice-array"},
    "updown": {"integer", "number"},
}

NOT_SHOWN = N_("at %(pointer)s: the keyword %(keyword)r cannot be shown on the task page; a field may use: %(known)s")
TYPE_NOT_SHOWN = N_("at %(pointer)s: a field of type %(type)s cannot be shown on the task page; give it one of: %(known)s")
CHOICE_NOT_SHOWN = N_("at %(pointer)s: each oneOf alternative must be a `const` with a title (a choice); "
                      "%(keyword)r cannot be shown on the task page")
OPEN_OBJECT = N_("at %(pointer)s: `additionalProperties` with a schema lets a person invent field names, which the "
                 "task page cannot show; use `properties`")
FIELD_UNKNOWN = N_("at %(pointer)s: %(name)r is not a field of the form's `properties`, so nobody could enter it")
UI_KEY_NOT_SHOWN = N_("at %(pointer)s: the UI key %(key)r cannot be shown on the task page; use one of: %(known)s")
UI_FIELD_UNKNOWN = N_("at %(pointer)s: the UI schema names %(name)r, which is not a field of the form")
WIDGET_UNKNOWN = N_("at %(pointer)s: the widget %(widget)r cannot be shown on the task page; use one of: %(known)s")
WIDGET_MISMATCH = N_("at %(pointer)s: the widget %(widget)r cannot show a field of this kind (%(kind)s)")
UI_NOT_JSON = N_("the UI schema is not a JSON object")

Problem = tuple[str, str, dict[str, Any]]


def schema_problems(schema: Any) -> list[Problem]:
    """What the task page cannot show of a (valid JSON Schema) form."""
    return _unique(_field(schema, "", schema))


def ui_problems(ui: Any, schema: Any) -> list[Problem]:
    """What the task page cannot show of a UI schema written for `schema`."""
    if not isinstance(ui, dict):
        return [("", UI_NOT_JSON, {})]
    return _unique(_ui(ui, schema if isinstance(schema, dict) else {}, "", schema))


def _unique(found: Iterator[Problem]) -> list[Problem]:
    seen: dict[tuple, Problem] = {}
    for pointer, template, params in found:
        seen.setdefault((pointer, template, tuple(sorted(params.items()))), (pointer, template, params))
    return list(seen.values())


def kind_of(schema: Any, root: Any) -> str:
    """The kind a widget is matched against: choice, choice-array, or the JSON type."""
    schema = resolve(schema, root)
    if not isinstance(schema, dict):
        return "string"
    if is_choice(schema):
        return "boolean" if schema.get("type") == "boolean" else "choice"
    if schema.get("type") == "array" and is_choice(resolve(schema.get("items"), root)):
        return "choice-array"
    return schema.get("type") if isinstance(schema.get("type"), str) else ("object" if "properties" in schema else "string")


def is_choice(schema: Any) -> bool:
    """A field offering a fixed set of values: `oneOf` consts, `enum`, or a shared classifier's codes
    (`x-classifier`: the page receives them as `oneOf` when it is shown)."""
    return isinstance(schema, dict) and (isinstance(schema.get("oneOf"), list) or isinstance(schema.get("enum"), list)
                                         or isinstance(schema.get("x-classifier"), str))


def resolve(schema: Any, root: Any) -> Any:
    """A `$ref` inside the same form followed (a few steps at most); others are left as they are."""
    for _ in range(8):
        if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#")):
            return schema
        target: Any = root
        for part in schema["$ref"][1:].split("/")[1:]:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(target, dict) and part in target:
                target = target[part]
            elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                target = target[int(part)]
            else:
                return schema
        extra = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**target, **extra} if isinstance(target, dict) else schema
    return schema


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _field(schema: Any, pointer: str, root: Any) -> Iterator[Problem]:
    if not isinstance(schema, dict):
        return
    for key, _value in schema.items():
        here = f"{pointer}/{_escape(key)}"
        if key.startswith("x-") or key in FIELD_KEYWORDS:
            continue
        yield here, NOT_SHOWN, {"pointer": here, "keyword": key, "known": ", ".join(sorted(FIELD_KEYWORDS))}
    kind = schema.get("type")
    if kind is not None and (not isinstance(kind, str) or kind not in SHOWN_TYPES):
        yield (f"{pointer}/type", TYPE_NOT_SHOWN,
               {"pointer": f"{pointer}/type", "type": str(kind), "known": ", ".join(sorted(SHOWN_TYPES))})
    if isinstance(schema.get("additionalProperties"), dict):
        yield f"{pointer}/additionalProperties", OPEN_OBJECT, {"pointer": f"{pointer}/additionalProperties"}
    for name, sub in (schema.get("properties") or {}).items() if isinstance(schema.get("properties"), dict) else ():
        yield from _field(sub, f"{pointer}/properties/{_escape(name)}", root)
    for name, sub in (schema.get("$defs") or {}).items() if isinstance(schema.get("$defs"), dict) else ():
        yield from _field(sub, f"{pointer}/$defs/{_escape(name)}", root)
    if isinstance(schema.get("items"), dict):
        yield from _field(schema["items"], f"{pointer}/items", root)
    if isinstance(schema.get("oneOf"), list):
        for i, choice in enumerate(schema["oneOf"]):
            for key in choice if isinstance(choice, dict) else ():
                if key not in CHOICE_KEYWORDS and not key.startswith("x-"):
                    where = f"{pointer}/oneOf/{i}/{_escape(key)}"
                    yield where, CHOICE_NOT_SHOWN, {"pointer": where, "keyword": key}
            if isinstance(choice, dict) and "const" not in choice:
                where = f"{pointer}/oneOf/{i}"
                yield where, CHOICE_NOT_SHOWN, {"pointer": where, "keyword": "oneOf"}
    shown = set(resolve(schema, root).get("properties") or {}) if isinstance(resolve(schema, root), dict) else set()
    yield from _conditions(schema, pointer, shown)


def _conditions(schema: dict, pointer: str, shown: set[str]) -> Iterator[Problem]:
    """`then`/`else` (directly or in `allOf`) may only speak of fields the form shows."""
    branches = [(schema, pointer)]
    if isinstance(schema.get("allOf"), list):
        branches += [(item, f"{pointer}/allOf/{i}") for i, item in enumerate(schema["allOf"]) if isinstance(item, dict)]
    for node, where in branches:
        for key in ("then", "else"):
            branch = node.get(key)
            if not isinstance(branch, dict):
                continue
            names = list(branch.get("required") or []) + list(branch.get("properties") or {})
            for name in names:
                if isinstance(name, str) and name not in shown:
                    here = f"{where}/{key}"
                    yield here, FIELD_UNKNOWN, {"pointer": here, "name": name}


def _ui(ui: dict, schema: dict, pointer: str, root: Any) -> Iterator[Problem]:
    schema = resolve(schema, root) if isinstance(schema, dict) else {}
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    for key, value in ui.items():
        here = f"{pointer}/{_escape(key)}"
        if is_english_variant(key):
            continue
        if key.startswith("ui:"):
            if key not in UI_KEYS:
                yield here, UI_KEY_NOT_SHOWN, {"pointer": here, "key": key, "known": ", ".join(sorted(UI_KEYS))}
            elif key == "ui:order":
                for name in value if isinstance(value, list) else []:
                    if name != "*" and name not in properties:
                        yield here, UI_FIELD_UNKNOWN, {"pointer": here, "name": str(name)}
            elif key == "ui:widget":
                yield from _widget(value, kind_of(schema, root), here)
            elif key == "ui:options" and isinstance(value, dict):
                for option in value:
                    if option not in UI_OPTIONS:
                        where = f"{here}/{_escape(option)}"
                        yield where, UI_KEY_NOT_SHOWN, {"pointer": where, "key": option,
                                                        "known": ", ".join(sorted(UI_OPTIONS))}
        elif key == "items" and schema.get("type") == "array" and isinstance(value, dict):
            yield from _ui(value, schema.get("items") or {}, here, root)
        elif key in properties and isinstance(value, dict):
            yield from _ui(value, properties[key], here, root)
        else:
            yield here, UI_FIELD_UNKNOWN, {"pointer": here, "name": key}


def _widget(widget: Any, kind: str, here: str) -> Iterator[Problem]:
    if not isinstance(widget, str) or widget not in WIDGETS:
        yield here, WIDGET_UNKNOWN, {"pointer": here, "widget": str(widget), "known": ", ".join(sorted(WIDGETS))}
    elif kind not in WIDGETS[widget]:
        yield here, WIDGET_MISMATCH, {"pointer": here, "widget": widget, "kind": kind}
