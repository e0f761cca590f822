"""A calendar date typed by a person (a query parameter, a form field): YYYY-MM-DD or nothing."""

from __future__ import annotations

from datetime import date

from engine.errors import N_, InvalidInput, field_error


def parse_day(text: str | None, default: date, field: str = "at") -> date:
    """`default` when nothing was given; a 422 naming `field` for anything but an ISO date."""
    if text is None or text == "":
        return default
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(N_("the date is not valid"), [field_error(field, N_("write the date as YYYY-MM-DD"))]) from None
