"""Legal-aid result: what was assigned, what was not and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solvers.status import Status


@dataclass(frozen=True)
class Assignment:
    request_id: str
    lawyer_id: str
    explanation: str


@dataclass(frozen=True)
class Unassigned:
    request_id: str
    reason: str


@dataclass(frozen=True)
class Result:
    status: Status
    objective: int
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    solve_seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "objective": self.objective,
            "assignments": [
                {"request_id": a.request_id, "lawyer_id": a.lawyer_id, "explanation": a.explanation}
                for a in self.assignments
            ],
            "unassigned": [{"request_id": u.request_id, "reason": u.reason} for u in self.unassigned],
            "solve_seconds": round(self.solve_seconds, 4),
        }
