"""Legal-aid assignment solved exactly as a min-cost flow.

The problem is a network: source → request (one unit) → (case, lawyer) (one unit, so
co-accused get different lawyers) → lawyer → sink through one arc per "k-th new
assignment" whose marginal fairness cost grows with k (the squared load is convex, so
the cheapest arcs fill first), and request → sink directly for "unassigned".  Such a
network has an integral optimum and a combinatorial algorithm finds it exactly in
milliseconds, with no search, no time limit and no dependence on the machine's load.
The CP-SAT model it replaces needed up to 10 s to prove the same optima on
300 requests × 120 advocates (its LP struggled with the big-M coefficients below).

The lexicographic goal (urgent assigned, then assigned, then cost, then the tie-break)
is one integer cost per arc with big-M weights computed from bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from solvers.legal_aid.eligibility import marginal_fairness
from solvers.legal_aid.plan import Plan
from solvers.legal_aid.problem import Problem, distance_km

# The flow algorithm scales costs by the node count; stay well inside signed 64 bits.
COST_LIMIT = 2**62


@dataclass(frozen=True)
class GoalWeights:
    per_urgent: int
    per_assignment: int
    per_cost: int


def goal_weights(problem: Problem, eligible: list[list[int]]) -> GoalWeights:
    """Big-M weights making (urgent, assigned, cost, tie-break) lexicographic in one sum.

    The tie-break of a pair is the request's index plus the lawyer's position among its
    candidates (input order), so equal-cost optima favour earlier requests and
    earlier-listed lawyers; ``per_cost`` exceeds the largest possible tie-break sum.
    ``per_assignment`` exceeds the largest possible cost: each assignment adds at most
    its lawyer's last marginal fairness step plus its distance.
    """
    weights = problem.weights
    degree = [0] * len(problem.lawyers)
    for lawyers in eligible:
        for j in lawyers:
            degree[j] += 1

    def worst_step(j: int) -> int:
        lawyer = problem.lawyers[j]
        return marginal_fairness(weights.fairness, lawyer.load_30d, max(min(lawyer.capacity, degree[j]), 1))

    cost_bound = sum(
        max(worst_step(j) + weights.distance * distance_km(problem.requests[r], problem.lawyers[j]) for j in lawyers)
        for r, lawyers in enumerate(eligible)
        if lawyers
    )
    per_cost = sum(r + len(lawyers) - 1 for r, lawyers in enumerate(eligible) if lawyers) + 1
    per_assignment = per_cost * (cost_bound + 1)
    per_urgent = per_assignment * (len(problem.requests) + 1)
    return GoalWeights(per_urgent, per_assignment, per_cost)


def optimal_plan(problem: Problem, eligible: list[list[int]]) -> Plan | None:
    """The plan minimising the lexicographic goal, or None when the weights are so large
    that the costs do not fit the flow algorithm's 64-bit arithmetic."""
    from ortools.graph.python import min_cost_flow

    goal = goal_weights(problem, eligible)
    weights = problem.weights
    requests, lawyers = len(problem.requests), len(problem.lawyers)
    source, sink = 0, 1
    arcs: list[tuple[int, int, int]] = []  # (tail, head, cost), all of capacity one
    pair_arcs: dict[int, tuple[int, int]] = {}  # arc index → (request, lawyer)
    case_lawyer: dict[tuple[str, int], int] = {}
    next_node = 2 + requests + lawyers
    degree = [0] * lawyers
    for r, candidates in enumerate(eligible):
        request = problem.requests[r]
        arcs += [(source, 2 + r, 0), (2 + r, sink, 0)]
        bonus = goal.per_assignment + (goal.per_urgent if request.urgent else 0)
        for rank, j in enumerate(candidates):
            node = case_lawyer.get((request.case_id, j))
            if node is None:
                node = case_lawyer[request.case_id, j] = next_node
                next_node += 1
                arcs.append((node, 2 + requests + j, 0))
            cost = goal.per_cost * weights.distance * distance_km(request, problem.lawyers[j]) + r + rank - bonus
            pair_arcs[len(arcs)] = (r, j)
            arcs.append((2 + r, node, cost))
            degree[j] += 1
    for j, lawyer in enumerate(problem.lawyers):
        for k in range(1, min(lawyer.capacity, degree[j]) + 1):
            step = goal.per_cost * marginal_fairness(weights.fairness, lawyer.load_30d, k)
            arcs.append((2 + requests + j, sink, step))
    if max((abs(cost) for _, _, cost in arcs), default=0) * (next_node + 1) >= COST_LIMIT:
        return None
    flow = min_cost_flow.SimpleMinCostFlow()
    for tail, head, cost in arcs:
        flow.add_arc_with_capacity_and_unit_cost(tail, head, 1, cost)
    flow.set_node_supply(source, requests)
    flow.set_node_supply(sink, -requests)
    if flow.solve() != flow.OPTIMAL:
        return None
    return {r: j for arc, (r, j) in pair_arcs.items() if flow.flow(arc)}
