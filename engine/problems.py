"""A finding about a deployment file, in the shape the API returns: {file, element, line, message}."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    file: str | None
    element: str | None
    line: int | None
    message: str
    severity: str = "error"

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("severity")
        return data
