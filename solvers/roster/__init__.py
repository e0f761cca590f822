"""Duty-prosecutor roster: every region covered around the clock, fairly."""

from solvers.roster.checker import check
from solvers.roster.problem import Problem, parse_problem
from solvers.roster.result import Result
from solvers.roster.solve import solve

__all__ = ["Problem", "Result", "check", "parse_problem", "solve"]
