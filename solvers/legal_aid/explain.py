"""Human-readable reasons: why this lawyer, why nobody."""

from __future__ import annotations

from solvers.legal_aid.eligibility import marginal_fairness, no_candidate_reason
from solvers.legal_aid.plan import Plan, new_counts
from solvers.legal_aid.problem import Problem, distance_km

SHOWN_ALTERNATIVES = 3


def explain_assignment(problem: Problem, eligible: list[int], plan: Plan, r: int) -> str:
    """The chosen lawyer and the best few alternatives with their cost parts."""
    request = problem.requests[r]
    counts = new_counts(problem, plan)
    chosen = plan[r]
    case_lawyers = {
        j for other, j in plan.items() if other != r and problem.requests[other].case_id == request.case_id
    }
    options = []
    for j in eligible:
        lawyer = problem.lawyers[j]
        nth = counts[j] if j == chosen else counts[j] + 1
        fairness = marginal_fairness(problem.weights.fairness, lawyer.load_30d, nth)
        distance = distance_km(request, lawyer)
        total = fairness + problem.weights.distance * distance
        if j == chosen:
            note = "chosen"
        elif counts[j] >= lawyer.capacity:
            note = "at capacity"
        elif j in case_lawyers:
            note = "defends a co-accused"
        else:
            note = ""
        options.append((total, j, fairness, distance, note))
    options.sort()
    shown = [o for o in options if o[1] == chosen]
    shown += [o for o in options if o[1] != chosen][:SHOWN_ALTERNATIVES]
    parts = []
    for total, j, fairness, distance, note in shown:
        suffix = f", {note}" if note else ""
        parts.append(
            f"{problem.lawyers[j].id} (fairness +{fairness}, distance {distance} km, cost {total}{suffix})"
        )
    head, rest = parts[0], parts[1:]
    return head + ("; next best: " + "; ".join(rest) if rest else "; no other eligible lawyer")


def explain_unassigned(problem: Problem, eligible: list[int], plan: Plan, r: int) -> str:
    request = problem.requests[r]
    if not eligible:
        return no_candidate_reason(request, problem.lawyers)
    counts = new_counts(problem, plan)
    if any(counts[j] < problem.lawyers[j].capacity for j in eligible):
        return f"every eligible lawyer with free capacity already defends a co-accused in case {request.case_id!r}"
    return "capacity exhausted"
