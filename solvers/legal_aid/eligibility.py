"""Which lawyer may take which request, and why nobody may take a request."""

from __future__ import annotations

from solvers.legal_aid.problem import Lawyer, Problem, Request


def is_eligible(request: Request, lawyer: Lawyer) -> bool:
    """Every per-pair hard rule; capacity and co-accused depend on the whole plan."""
    return (
        lawyer.available
        and lawyer.capacity > 0
        and request.territory in lawyer.territories
        and request.language in lawyer.languages
        and (lawyer.juvenile or not request.juvenile)
        and lawyer.id not in request.excluded_lawyers
    )


def candidates(problem: Problem) -> list[list[int]]:
    """For each request (input order), the indices of eligible lawyers in input order."""
    return [
        [j for j, lawyer in enumerate(problem.lawyers) if is_eligible(request, lawyer)]
        for request in problem.requests
    ]


def no_candidate_reason(request: Request, lawyers: tuple[Lawyer, ...]) -> str:
    """Name the first rule that leaves no lawyer, in the order an officer would check them."""
    where = f"in territory {request.territory!r}"
    pool = [lawyer for lawyer in lawyers if request.territory in lawyer.territories]
    if not pool:
        return f"no lawyer works {where}"
    pool = [lawyer for lawyer in pool if lawyer.available]
    if not pool:
        return f"no available lawyer {where}"
    pool = [lawyer for lawyer in pool if request.language in lawyer.languages]
    if not pool:
        return f"no available lawyer speaks {request.language!r} {where}"
    if request.juvenile:
        pool = [lawyer for lawyer in pool if lawyer.juvenile]
        if not pool:
            return (
                f"no available lawyer speaking {request.language!r} {where} is competent for juvenile cases"
            )
    pool = [lawyer for lawyer in pool if lawyer.id not in request.excluded_lawyers]
    if not pool:
        return "every otherwise eligible lawyer is excluded (conflict or previous refusal)"
    return "capacity exhausted"


def marginal_fairness(weight: int, load_30d: int, nth: int) -> int:
    """Fairness cost of a lawyer's nth new assignment: weight × ((load+n)² − (load+n−1)²)."""
    return weight * (2 * (load_30d + nth) - 1)
