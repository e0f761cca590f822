"""Legal-aid assignment: who defends whom today, fairly and nearby."""

from solvers.legal_aid.checker import check
from solvers.legal_aid.problem import Problem, parse_problem
from solvers.legal_aid.result import Result
from solvers.legal_aid.solve import solve

__all__ = ["Problem", "Result", "check", "parse_problem", "solve"]
