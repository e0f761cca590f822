"""Dates that cannot lie in the future: a form field says `"x-not-in-future": true`.

JSON Schema cannot compare a value with today, so the engine does it after the schema passed, with
the injected clock's date in Riga (the day the person sees on their calendar). A crime cannot have
been committed, nor a victim recognised, tomorrow: such a date is a typing error, refused with a
field error in the person's language. Only `format: date` fields of the form's own `properties`
(and of nested objects' `properties`) are looked at; a value that is not a valid date was already
refused by its format.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from engine.deadlines import RIGA
from engine.errors import N_, field_error

NOT_IN_FUTURE = "x-not-in-future"
DATE_IN_FUTURE = N_("this date is in the future: enter a date not later than today, %(today)s")


def future_date_errors(schema: Any, data: Any, now: datetime.datetime) -> list[dict]:
    """Field errors for each date marked `x-not-in-future` that comes after today (Riga time)."""
    today = now.astimezone(RIGA).date()
    return [
        field_error(pointer, DATE_IN_FUTURE, today=today.isoformat())
        for pointer, value in _marked_dates(schema, data, "")
        if value > today
    ]


def _marked_dates(schema: Any, data: Any, where: str) -> Iterator[tuple[str, datetime.date]]:
    if not isinstance(schema, dict) or not isinstance(data, dict):
        return
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, field in properties.items():
        if not isinstance(field, dict) or name not in data:
            continue
        pointer = f"{where}/{name.replace('~', '~0').replace('/', '~1')}"
        value = data[name]
        if field.get(NOT_IN_FUTURE) is True and isinstance(value, str):
            try:
                yield pointer, datetime.date.fromisoformat(value)
            except ValueError:
                continue  # its format error is reported by the schema
        elif isinstance(value, dict):
            yield from _marked_dates(field, value, pointer)
