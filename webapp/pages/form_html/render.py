"""The fields of a task form as HTML, with the person's data and the validator's errors in place.

Every value comes back from `data` exactly as typed (an invalid number is still the text the person
wrote); every error sits beside its field, which says `aria-invalid="true"` and points at the
message with `aria-describedby`. An error whose field is not on the page (the form's root, a field
of another form) is listed above the fields, so none is lost. Jinja autoescaping writes every
title, value and message: a hostile form or value is text, never markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import force_locale
from markupsafe import Markup

from webapp.pages.form_html import names
from webapp.pages.form_html.fields import MISSING, Node, build, posted_text

TEMPLATE = "form_html/fields.html"
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class View:
    """A field with its place (`name`, `id`), its value as text and its error."""

    node: Node
    parts: list[str | int]
    value: str = ""
    selected: set[str] = field(default_factory=set)
    error: str | None = None
    children: list[View] = field(default_factory=list)
    items: list[View] = field(default_factory=list)
    index: int | None = None

    @property
    def name(self) -> str:
        return names.name(self.parts)

    @property
    def pointer(self) -> str:
        return names.pointer(self.parts)

    @property
    def id(self) -> str:
        return names.element_id(self.name)

    @property
    def input_type(self) -> str:
        """A value the browser's own input would blank out (a half-typed date, "12a" for a number)
        is shown in a text input, so what the person typed is never lost."""
        kind = self.node.kind
        if kind == "number":
            return "number" if self.value == "" or _NUMBER.fullmatch(self.value) else "text"
        if kind == "date":
            return "date" if self.value == "" or _DATE.fullmatch(self.value) else "text"
        return "email" if kind == "email" else "text"

    @property
    def described_by(self) -> str:
        ids = [self.id + ".error"] if self.error else []
        if self.node.help:
            ids.append(self.id + ".help")
        if self.node.required_when:
            ids.append(self.id + ".when")
        return " ".join(ids)


def render_form(schema: dict, ui: dict, *, data: dict, errors: dict[str, str], lang: str) -> Markup:
    """The fields of the form (no <form> tag, no submit buttons) in `lang`."""
    with force_locale(lang):
        root = build(schema, ui, lang)
        placed: set[str] = set()
        view = _view(root, [], data if isinstance(data, dict) else {}, errors or {}, placed)
        unplaced = [(pointer, message) for pointer, message in (errors or {}).items() if pointer not in placed]
        template = current_app.jinja_env.get_template(TEMPLATE)
        return Markup(template.module.form(view, unplaced))


def _view(node: Node, parts: list, value: Any, errors: dict[str, str], placed: set[str]) -> View:
    view = View(node=node, parts=parts)
    pointer = names.pointer(parts)
    if node.kind == "object":
        values = value if isinstance(value, dict) else {}
        view.children = [_view(child, [*parts, child.key], values.get(child.key, MISSING), errors, placed)
                         for child in node.children]
    elif node.kind == "list":
        values = value if isinstance(value, list) else []
        view.items = [_view(node.item, [*parts, i], item, errors, placed) for i, item in enumerate(values)]
        for i, item in enumerate(view.items):
            item.index = i
    else:
        if value is MISSING:
            value = node.default
        if node.kind == "checkboxes":
            view.selected = {posted_text(v) for v in value} if isinstance(value, list) else set()
        elif value is not MISSING:
            view.value = posted_text(value)
            view.selected = {view.value}
    # Errors of this field, and of anything below a field that has no fields of its own.
    mine = [m for p, m in errors.items() if p == pointer or (node.kind == "checkboxes" and p.startswith(pointer + "/"))]
    if mine and parts and node.kind != "hidden":  # a hidden field's error is listed above the fields
        view.error = " ".join(dict.fromkeys(mine))
        placed.update(p for p in errors if p == pointer or (node.kind == "checkboxes" and p.startswith(pointer + "/")))
    return view
