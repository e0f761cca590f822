"""A user task's instructions (spiff's `instructionsForEndUser`): a Jinja template over the task's
data, so the person deciding a claim sees what the claim says.

The template comes from a deployed model, so it is untrusted: it runs in Jinja's immutable
sandbox (no attribute walks to Python internals, no mutation), sees plain JSON data only, and is
bounded in source size, output size, arithmetic that multiplies sizes, and time (a trace hook
stops a render that runs too long). Values inserted into the text are escaped for HTML and for
Markdown, so case data cannot turn into links or markup. A template that does not parse is
refused at deployment; one that fails while rendering shows its error in place of the
instructions, never an error page.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_SOURCE = 20_000
MAX_OUTPUT = 64_000
MAX_SECONDS = 0.25
MAX_REPEAT = 10_000  # the longest string or list `*` may build
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_{}\[\]()#+!|~-])")


class InstructionsTooCostly(SecurityError):
    """The template tried to build or run more than the budget allows."""


def _markdown_safe(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return _MARKDOWN_ACTIVE.sub(r"\\\1", value)
    return value


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "//", "%"})

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and (_big(left, 10**6) or _big(right, 64)):
            raise InstructionsTooCostly("the power is too large for instructions")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * abs(count) > MAX_REPEAT:
                    raise InstructionsTooCostly("the instructions build too long a text")
        if operator == "%" and isinstance(left, str):
            raise InstructionsTooCostly("%-formatting is not available in instructions")
        return super().call_binop(context, operator, left, right)


def _big(value: Any, limit: int) -> bool:
    return isinstance(value, (int, float)) and abs(value) > limit


@lru_cache(maxsize=1)
def _environment() -> _BoundedEnvironment:
    env = _BoundedEnvironment(autoescape=True, finalize=_markdown_safe, loader=None)
    env.globals.clear()  # no range, dict, lipsum, cycler, joiner, namespace
    return env


@dataclass(frozen=True)
class Rendered:
    text: str | None
    error: str | None = None


def problems(source: str) -> list[str]:
    """Why a template cannot be deployed (empty when it can)."""
    if len(source) > MAX_SOURCE:
        return [f"the instructions are longer than {MAX_SOURCE} characters"]
    try:
        tree = _environment().parse(source)
    except TemplateError as err:
        return [f"the instructions are not a valid template: {err}"]
    found = []
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        found.append(f"the instructions may not {type(node).__name__.lower()} other templates (line {node.lineno})")
    return found


LANGUAGE_VARIABLE = "lang"  # "lv" or "en": one template can say the same in both languages


@lru_cache(maxsize=512)
def fields_used(source: str) -> frozenset[str]:
    """The data fields a template reads: the person sees them alongside the form."""
    try:
        return frozenset(meta.find_undeclared_variables(_environment().parse(source))) - {LANGUAGE_VARIABLE}
    except TemplateError:
        return frozenset()


@lru_cache(maxsize=512)
def _template(source: str):
    return _environment().from_string(source)


def render(source: str | None, data: dict, language: str = "lv") -> Rendered:
    if not source:
        return Rendered(None)
    if problems(source):
        return Rendered(None, problems(source)[0])
    deadline = time.monotonic() + MAX_SECONDS
    previous = sys.gettrace()

    def tracer(frame, event, arg):
        if time.monotonic() > deadline:
            raise InstructionsTooCostly(f"the instructions took longer than {MAX_SECONDS} s to show")
        return tracer

    out: list[str] = []
    size = 0
    sys.settrace(tracer)
    try:
        for chunk in _template(source).generate(**{**data, LANGUAGE_VARIABLE: language}):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise InstructionsTooCostly(f"the instructions are longer than {MAX_OUTPUT} characters once filled in")
            out.append(chunk)
    except (TemplateError, ArithmeticError, TypeError, ValueError, RecursionError, MemoryError) as err:
        return Rendered(None, f"the instructions could not be shown: {err}")
    finally:
        sys.settrace(previous)
    return Rendered("".join(out))
