"""The Jinja sandbox document templates run in.

A template is a file an analyst may replace, so it is untrusted: it runs in Jinja's immutable
sandbox (no attribute walks to Python internals such as `''.__class__.__mro__`, no mutation) with
no globals (no `range`, `lipsum`, `cycler`, `namespace`), sees plain JSON values only, and is
bounded in the arithmetic that multiplies sizes, in time (a trace hook stops a render that runs
too long, a huge loop included) and in output size. Our own filters format dates and money the
Latvian way.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from jinja2 import TemplateError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from documents.errors import RenderRefused, TemplateRefused

MAX_SECONDS = 2.0
MAX_OUTPUT_CHARS = 2_000_000
MAX_REPEAT = 10_000  # the longest string or list `*` may build
TEMPLATE_FILE = "<template>"  # the file name Jinja gives the code it compiles from a string
MONTHS_LOCATIVE = (
    "janvārī", "februārī", "martā", "aprīlī", "maijā", "jūnijā",
    "jūlijā", "augustā", "septembrī", "oktobrī", "novembrī", "decembrī",
)


class TooCostly(SecurityError):
    """The template tried to build or run more than the budget allows."""


def lv_date(value: Any) -> str:
    """`2027-01-05` (or an ISO timestamp) → `2027. gada 5. janvārī`, as Latvian decisions write dates."""
    if value in (None, ""):
        return ""
    try:
        day = value if isinstance(value, date) else datetime.fromisoformat(str(value)).date()
    except ValueError:
        return str(value)
    if isinstance(day, datetime):
        day = day.date()
    return f"{day.year}. gada {day.day}. {MONTHS_LOCATIVE[day.month - 1]}"


def money(value: Any) -> str:
    """`"3510.00"` → `3510,00 EUR` (money is a string of cents in case data, never a float)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{amount}".replace(".", ",") + " EUR"


FILTERS: dict[str, Callable[[Any], str]] = {"lv_date": lv_date, "money": money}


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "//", "%"})

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and (_big(left, 10**6) or _big(right, 64)):
            raise TooCostly("the power is too large for a document")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * abs(count) > MAX_REPEAT:
                    raise TooCostly("the template builds too long a text")
        if operator == "%" and isinstance(left, str):
            raise TooCostly("%-formatting is not available in document templates")
        return super().call_binop(context, operator, left, right)


def _big(value: Any, limit: int) -> bool:
    return isinstance(value, (int, float)) and abs(value) > limit


def environment(*, autoescape: bool) -> BoundedEnvironment:
    """A fresh environment: docxtpl sets attributes on the one it is given, so none is shared."""
    env = BoundedEnvironment(autoescape=autoescape, loader=None)
    env.globals.clear()
    env.filters.update(FILTERS)
    return env


def check_source(source: str, what: str) -> None:
    """Refuse a template that does not parse or reaches for other templates."""
    try:
        tree = environment(autoescape=True).parse(source)
    except TemplateError as err:
        raise TemplateRefused(f"{what} is not a valid template: {err}", template=what) from err
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        raise TemplateRefused(
            f"{what} may not {type(node).__name__.lower()} other templates (line {node.lineno})", template=what
        )


@contextmanager
def budget(what: str, seconds: float = MAX_SECONDS) -> Iterator[None]:
    """Stop whatever Python runs inside after `seconds` (a huge loop in a template): a trace hook,
    as in the task instructions' sandbox."""
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def tracer(frame, event, arg):
        # Raised only in the template's own code: raised in a garbage collector's callback that
        # happens to run meanwhile, it would be lost ("exception ignored") and the loop would go on.
        if frame.f_code.co_filename == TEMPLATE_FILE and time.monotonic() > deadline:
            raise TooCostly(f"{what} took longer than {seconds} s to fill in")
        return tracer

    sys.settrace(tracer)
    try:
        yield
    except (TemplateError, ArithmeticError, TypeError, ValueError, RecursionError, MemoryError) as err:
        raise RenderRefused(f"{what} could not be filled in: {err}", template=what) from err
    finally:
        sys.settrace(previous)


def render_text(source: str, values: dict, what: str) -> str:
    """Fill in an HTML template, escaping every inserted value, within the time and size budgets."""
    check_source(source, what)
    out: list[str] = []
    size = 0
    with budget(what):
        for chunk in environment(autoescape=True).from_string(source).generate(**values):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise RenderRefused(f"{what} is longer than {MAX_OUTPUT_CHARS} characters once filled in", template=what)
            out.append(chunk)
    return "".join(out)
