"""Lieta solver core: legal-aid assignment, duty-prosecutor roster, hearing scheduling.

Kept free of heavy imports: OR-Tools is only imported when a model is built.
"""

from solvers.errors import SolverError, SolverInputError
from solvers.status import Status

__all__ = ["SolverError", "SolverInputError", "Status"]
