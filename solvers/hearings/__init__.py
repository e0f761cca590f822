"""Hearing scheduling: judges, prosecutors, advocates, prisoners, rooms and convoys."""

from solvers.hearings.checker import check
from solvers.hearings.problem import Problem, parse_problem
from solvers.hearings.result import Result
from solvers.hearings.solve import propose_slots, solve

__all__ = ["Problem", "Result", "check", "parse_problem", "propose_slots", "solve"]
