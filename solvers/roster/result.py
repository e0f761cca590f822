"""Roster result in the documented JSON shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solvers.status import Status


@dataclass(frozen=True)
class Duty:
    date: str
    region: str
    shift: str
    prosecutor_id: str


@dataclass(frozen=True)
class Result:
    status: Status
    spread: int | None
    preference_penalty: int | None
    assignments: tuple[Duty, ...]
    unfilled: tuple[dict[str, str], ...]
    reason: str | None
    solve_seconds: float

    def to_dict(self) -> dict[str, Any]:
        objective = None
        if self.spread is not None:
            objective = {"spread": self.spread, "preference_penalty": self.preference_penalty}
        return {
            "status": self.status.value,
            "objective": objective,
            "assignments": [
                {"date": d.date, "region": d.region, "shift": d.shift, "prosecutor_id": d.prosecutor_id}
                for d in self.assignments
            ],
            "unfilled": list(self.unfilled),
            "reason": self.reason,
            "solve_seconds": round(self.solve_seconds, 4),
        }
