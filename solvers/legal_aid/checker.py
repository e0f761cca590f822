"""Independent checker of a legal-aid result (a result dict, as printed by the CLI).

Deliberately re-derives every rule from the problem data instead of reusing the
model or the eligibility helpers, so a bug there cannot hide here.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from solvers.legal_aid.problem import Problem
from solvers.status import Status

STATUSES = tuple(status.value for status in Status)


def check(problem: Problem, result: dict[str, Any]) -> list[str]:
    """Return every violated rule as a sentence; an empty list means the result is valid."""
    violations: list[str] = []
    if result.get("status") not in STATUSES:
        violations.append(f"status {result.get('status')!r} is not one of {', '.join(STATUSES)}")
    lawyers = {lawyer.id: lawyer for lawyer in problem.lawyers}
    requests = {request.id: request for request in problem.requests}
    assignments = result.get("assignments", [])
    unassigned = result.get("unassigned", [])
    mentioned = Counter(
        [a.get("request_id") for a in assignments] + [u.get("request_id") for u in unassigned]
    )
    for request_id, times in mentioned.items():
        if request_id not in requests:
            violations.append(f"request {request_id!r} is not in the input")
        elif times > 1:
            violations.append(f"request {request_id!r} appears {times} times in the result")
    for request_id in requests:
        if request_id not in mentioned:
            violations.append(f"request {request_id!r} is neither assigned nor reported unassigned")

    new_load: Counter[str] = Counter()
    case_lawyers: Counter[tuple[str, str]] = Counter()
    total = 0
    for a in assignments:
        request, lawyer = requests.get(a.get("request_id")), lawyers.get(a.get("lawyer_id"))
        if lawyer is None:
            violations.append(
                f"request {a.get('request_id')!r} goes to unknown lawyer {a.get('lawyer_id')!r}"
            )
            continue
        if request is None:
            continue
        pair = f"request {request.id!r} → lawyer {lawyer.id!r}"
        if request.territory not in lawyer.territories:
            violations.append(f"{pair}: lawyer does not work in territory {request.territory!r}")
        if request.language not in lawyer.languages:
            violations.append(f"{pair}: lawyer does not speak {request.language!r}")
        if request.juvenile and not lawyer.juvenile:
            violations.append(f"{pair}: lawyer is not competent for juvenile cases")
        if not lawyer.available:
            violations.append(f"{pair}: lawyer is not available")
        if lawyer.id in request.excluded_lawyers:
            violations.append(f"{pair}: lawyer is excluded for this request")
        new_load[lawyer.id] += 1
        case_lawyers[request.case_id, lawyer.id] += 1
        dx = request.location[0] - lawyer.location[0]
        dy = request.location[1] - lawyer.location[1]
        total += problem.weights.distance * math.floor(math.sqrt(dx * dx + dy * dy) + 0.5)
    for lawyer_id, n in new_load.items():
        lawyer = lawyers[lawyer_id]
        if n > lawyer.capacity:
            violations.append(f"lawyer {lawyer_id!r} gets {n} new assignments, capacity is {lawyer.capacity}")
        total += problem.weights.fairness * ((lawyer.load_30d + n) ** 2 - lawyer.load_30d**2)
    for (case_id, lawyer_id), n in case_lawyers.items():
        if n > 1:
            violations.append(f"lawyer {lawyer_id!r} defends {n} co-accused in case {case_id!r}")
    if result.get("objective") != total:
        violations.append(f"objective is {result.get('objective')!r} but the assignments cost {total}")
    return violations
