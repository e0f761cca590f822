"""Form fields bound to a shared classifier: `{"type": "string", "x-classifier": "court_territory"}`.

The value must be a code valid on the day the form is submitted (a code withdrawn last year is
refused today, while a case that recorded it keeps reading it through the classifier's dates and
versions). The codes come from the database, so the validator, which is cached with its process
version, asks for them through a lookup the service layer sets for the duration of one
validation (`codes_from`); without one, a bound field is refused rather than passed unchecked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from jsonschema.exceptions import ValidationError

from engine.errors import N_, Phrase

KEYWORD = "x-classifier"
CodeLookup = Callable[[str], frozenset[str]]
_lookup: ContextVar[CodeLookup | None] = ContextVar("lieta_classifier_codes", default=None)


class ClassifierMismatch(Exception):
    """Why a bound field's value was refused, for the field error's text."""

    def __init__(self, template: str, **params: Any) -> None:
        super().__init__(template % params)
        self.template = template
        self.params = params


@contextmanager
def codes_from(lookup: CodeLookup) -> Iterator[None]:
    token = _lookup.set(lookup)
    try:
        yield
    finally:
        _lookup.reset(token)


def check(validator, name, instance, schema) -> Iterator[ValidationError]:
    """The `x-classifier` keyword for jsonschema: the instance is one of the list's codes today."""
    if not isinstance(instance, str) or not isinstance(name, str):
        return
    lookup = _lookup.get()
    if lookup is None:
        yield ValidationError(f"{name}: codes unavailable", cause=ClassifierMismatch(
            N_("the list %(list)r cannot be checked here: ask a process analyst"), list=name))
        return
    if instance not in lookup(name):
        yield ValidationError(f"{instance!r} is not a code of {name}", cause=ClassifierMismatch(
            N_("%(code)r is not a valid code of the list %(list)r: choose one from the list"), code=instance, list=name))


def classifiers_used(schema: Any) -> set[str]:
    """Every classifier a form names (anywhere in it, including inside definitions)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get(KEYWORD), str):
                found.add(node[KEYWORD])
            stack.extend(value for key, value in node.items() if key not in ("const", "enum", "default", "examples"))
        elif isinstance(node, list):
            stack.extend(node)
    return found


def unknown_classifier_problems(forms: dict[str, str], known: frozenset[str]) -> Iterator[tuple[str, Phrase]]:
    """(form file, problem) for each form naming a classifier that does not exist, or naming one
    with something other than a string."""
    for file_name, text in sorted(forms.items()):
        try:
            schema = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            continue  # the form's own checks report an unreadable file
        for bad in _non_string_bindings(schema):
            yield file_name, Phrase(N_("%(keyword)s must name a classifier, not %(value)s"), keyword=KEYWORD, value=bad)
        for name in sorted(classifiers_used(schema) - known):
            yield file_name, Phrase(N_("the form uses the classifier %(name)r, which does not exist (known: %(known)s)"),
                                    name=name, known=", ".join(sorted(known)))


def _non_string_bindings(schema: Any) -> Iterator[str]:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if KEYWORD in node and not isinstance(node[KEYWORD], str):
                yield json.dumps(node[KEYWORD])[:40]
            stack.extend(value for key, value in node.items() if key not in ("const", "enum", "default", "examples"))
        elif isinstance(node, list):
            stack.extend(node)


def with_choices(schema: Any, choices: Callable[[str], list[tuple[str, str]]]) -> Any:
    """A copy of a (localised) form where each bound field offers its codes as `oneOf` choices
    (`const` + `title` in the reader's language); the form itself is returned when it binds none."""
    if not classifiers_used(schema):
        return schema
    copied = json.loads(json.dumps(schema))
    stack = [copied]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            name = node.get(KEYWORD)
            if isinstance(name, str) and "oneOf" not in node and "enum" not in node:
                node["oneOf"] = [{"const": code, "title": title} for code, title in choices(name)]
            stack.extend(value for key, value in node.items() if key not in ("const", "enum", "default", "examples"))
        elif isinstance(node, list):
            stack.extend(node)
    return copied
