"""Outcome of a solve, reported instead of raising."""

from enum import Enum


class Status(str, Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    FALLBACK = "fallback"

    def __str__(self) -> str:
        return self.value
