"""The single exception hierarchy of the solvers package."""


class SolverError(Exception):
    """Base class of every error raised by :mod:`solvers`."""


class SolverInputError(SolverError):
    """Problem data that cannot be solved as given; ``field`` is a JSON-style path."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)
