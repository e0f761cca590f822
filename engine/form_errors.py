"""Form field errors as sentences a person understands, in either language, with a JSON Pointer.

Each error is built from the jsonschema `ValidationError`'s keyword and the form's own values (the
bound, the allowed count), never from jsonschema's English text: `field_error(pointer,
N_("..."), **params)` gives the web layer a message id it translates into the request's language.
A form may word its pattern itself: `x-pattern-message` (Latvian) and `x-pattern-message-en`; such
an error carries both texts under `texts` and the web layer shows the one for the request.

`format` is enforced for `date` (YYYY-MM-DD and a real calendar day), `date-time` (RFC 3339 with
an offset; the seconds may be left out, as an HTML date-time input sends none) and `email`, by `FORMAT_CHECKER`: no network, nothing beyond the standard library.
Other formats are annotations only, as JSON Schema 2020-12 says by default.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError

from engine.classifier_forms import ClassifierMismatch
from engine.errors import N_, field_error

REQUIRED = N_("this field is required")
NOT_IN_FORM = N_("this field is not part of the form")
NOT_FINITE = N_("must be a finite number")
RULES_NOT_MET = N_("the value does not meet the form's rules")

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2})", re.ASCII)
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


class FormatProblem(ValueError):
    """Why a string is not of its format; `template` is the message id shown to the person."""

    def __init__(self, template: str) -> None:
        super().__init__(template)
        self.template = template


DATE_FORM = N_("enter the date as YYYY-MM-DD")
DATE_MISSING = N_("this date does not exist")
DATE_TIME_FORM = N_("enter the date and time as YYYY-MM-DDThh:mm:ss with the time zone offset, e.g. "
                    "2027-01-04T10:00:00+02:00")
EMAIL_FORM = N_("enter a valid e-mail address")

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date", raises=FormatProblem)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        raise FormatProblem(DATE_FORM)
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise FormatProblem(DATE_MISSING) from None
    return True


@FORMAT_CHECKER.checks("date-time", raises=FormatProblem)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        raise FormatProblem(DATE_TIME_FORM)
    try:
        datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise FormatProblem(DATE_MISSING) from None
    try:
        # Python reads "Z" and the offset; a leap second (":60") is not a time it can hold.
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise FormatProblem(DATE_TIME_FORM) from None
    return True


@FORMAT_CHECKER.checks("email", raises=FormatProblem)
def _is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise FormatProblem(EMAIL_FORM)
    return True


_TYPE_TEMPLATES = {
    "string": N_("the value must be text"),
    "integer": N_("the value must be a whole number"),
    "number": N_("the value must be a number"),
    "boolean": N_("the value must be yes or no (true or false)"),
    "array": N_("the value must be a list"),
    "object": N_("the value must be a group of fields (an object)"),
    "null": N_("the value must be empty (null)"),
}

_BOUNDS = {
    "minimum": N_("the value must be at least %(limit)s"),
    "maximum": N_("the value must be at most %(limit)s"),
    "exclusiveMinimum": N_("the value must be greater than %(limit)s"),
    "exclusiveMaximum": N_("the value must be less than %(limit)s"),
    "minLength": N_("the text must be at least %(limit)s characters long"),
    "maxLength": N_("the text must be at most %(limit)s characters long"),
    "minItems": N_("choose or enter at least %(limit)s items"),
    "maxItems": N_("choose or enter at most %(limit)s items"),
    "multipleOf": N_("the value must be a multiple of %(limit)s"),
    "minProperties": N_("fill in at least %(limit)s fields"),
    "maxProperties": N_("fill in at most %(limit)s fields"),
    "minContains": N_("the list must contain at least %(limit)s matching items"),
    "maxContains": N_("the list must contain at most %(limit)s matching items"),
}

_FIXED = {
    "enum": N_("choose one of the allowed values"),
    "const": N_("choose one of the allowed values"),
    "uniqueItems": N_("each value may be given only once"),
    "not": N_("this value is not allowed"),
    "contains": N_("the list does not contain a required item"),
    "pattern": N_("the value does not have the expected form"),
    "format": N_("the value does not have the expected form"),
    "additionalItems": N_("the list has more items than the form allows"),
    "items": N_("the list has more items than the form allows"),
    "unevaluatedItems": N_("the list has more items than the form allows"),
}


def describe(error: ValidationError, pointer: Callable[[list], str]) -> list[dict]:
    """The person-facing field errors for one jsonschema error (several for a `required`)."""
    base = list(error.absolute_path)
    here = pointer(base)
    keyword, value, schema = error.validator, error.validator_value, error.schema
    if keyword in ("required", "dependentRequired") and isinstance(error.instance, dict):
        names = value if keyword == "required" else next(
            (v for k, v in value.items() if k in error.instance and isinstance(v, list)), [])
        missing = [name for name in names if name not in error.instance]
        return [field_error(pointer([*base, name]), REQUIRED) for name in missing] or [field_error(here, REQUIRED)]
    if keyword == "type":
        kinds = [value] if isinstance(value, str) else list(value)
        template = _TYPE_TEMPLATES.get(kinds[0]) if len(kinds) == 1 else None
        return [field_error(here, template or N_("the value is of the wrong kind"))]
    if keyword in _BOUNDS and isinstance(value, int | float) and not isinstance(value, bool):
        if keyword == "minLength" and value == 1:
            return [field_error(here, N_("the field must not be empty"))]
        return [field_error(here, _BOUNDS[keyword], limit=_number(value))]
    if keyword == "pattern" and isinstance(schema, dict) and isinstance(schema.get("x-pattern-message"), str):
        own = schema["x-pattern-message"]
        english = schema.get("x-pattern-message-en")
        return [{"field": here, "message": own, "texts": {"lv": own, "en": english if isinstance(english, str) else own}}]
    if isinstance(error.cause, ClassifierMismatch):
        return [field_error(here, error.cause.template, **error.cause.params)]
    if keyword == "format" and isinstance(error.cause, FormatProblem):
        return [field_error(here, error.cause.template)]
    if keyword in ("oneOf", "anyOf") and isinstance(value, list):
        if value and all(isinstance(branch, dict) and "const" in branch for branch in value):
            return [field_error(here, _FIXED["enum"])]
        return [field_error(here, N_("the value does not match any of the allowed variants"))]
    if keyword in _FIXED:
        return [field_error(here, _FIXED[keyword])]
    return [field_error(here, RULES_NOT_MET)]


def _number(value: int | float) -> str:
    """`10` not `10.0`; the bound as the form wrote it."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)

