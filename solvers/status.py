"""Outcome of a solve, reported instead of raising."""

from enum import StrEnum


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    FALLBACK = "fallback"
    # The wall-clock backstop stopped a search before its deterministic budget was spent:
    # the answer is valid but chosen by the machine's load, so another run may differ.
    WALL_CLOCK_LIMIT = "wall_clock_limit"
