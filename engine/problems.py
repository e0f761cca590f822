"""A finding about a deployment file, in the shape the API returns: {file, element, line, message}.

Like an engine error, a finding may carry a message id and parameters (`Problem.of`), so the web
layer can say it in the user's language; the others are said in English.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    file: str | None
    element: str | None
    line: int | None
    message: str
    severity: str = "error"
    template: str | None = field(default=None, compare=False, hash=False)
    params: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    @classmethod
    def of(cls, file: str | None, element: str | None, line: int | None, template: str, **params: Any) -> Problem:
        """A finding whose text the web layer can translate: `template` is marked with `N_`."""
        return cls(file, element, line, template % params if params else template, template=template, params=params)

    def as_dict(self) -> dict:
        data = asdict(self)
        for internal in ("severity", "template", "params"):
            data.pop(internal)
        return data
