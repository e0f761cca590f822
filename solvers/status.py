"""Outcome of a solve, reported instead of raising."""

from enum import StrEnum


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    FALLBACK = "fallback"
