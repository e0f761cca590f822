"""CP-SAT model of legal-aid assignment: variables, constraints, objectives.

The squared-load term is convex in a lawyer's new assignments n, so it is linearised
with ordered booleans "k-th new assignment" whose marginal costs increase with k.
Together with the co-accused rule this is a flow structure, so the LP relaxation is
tight and the solver proves optimality at or near the root.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from solvers.cpsat import cp_model
from solvers.legal_aid.eligibility import marginal_fairness
from solvers.legal_aid.plan import Plan
from solvers.legal_aid.problem import Problem, distance_km


@dataclass
class AssignmentModel:
    model: Any
    assign: dict[tuple[int, int], Any]
    load_steps: dict[int, list[Any]] = field(default_factory=dict)
    urgent_count: Any = 0
    assigned_count: Any = 0
    cost: Any = 0
    cost_bound: int = 0


def build_model(problem: Problem, eligible: list[list[int]]) -> AssignmentModel:
    built = AssignmentModel(model=cp_model().CpModel(), assign={})
    add_variables(built, problem, eligible)
    add_constraints(built, problem)
    add_goal_terms(built, problem, eligible)
    return built


def add_variables(built: AssignmentModel, problem: Problem, eligible: list[list[int]]) -> None:
    model = built.model
    degree: dict[int, int] = defaultdict(int)
    for r, lawyers in enumerate(eligible):
        for j in lawyers:
            built.assign[r, j] = model.new_bool_var(f"x_{r}_{j}")
            degree[j] += 1
    for j in sorted(degree):
        steps = min(problem.lawyers[j].capacity, degree[j])
        built.load_steps[j] = [model.new_bool_var(f"step_{j}_{k}") for k in range(1, steps + 1)]


def add_constraints(built: AssignmentModel, problem: Problem) -> None:
    model = built.model
    by_request: dict[int, list[Any]] = defaultdict(list)
    by_lawyer: dict[int, list[Any]] = defaultdict(list)
    by_case_lawyer: dict[tuple[str, int], list[Any]] = defaultdict(list)
    for (r, j), var in built.assign.items():
        by_request[r].append(var)
        by_lawyer[j].append(var)
        by_case_lawyer[problem.requests[r].case_id, j].append(var)
    for variables in by_request.values():
        model.add_at_most_one(variables)
    for variables in by_case_lawyer.values():
        if len(variables) > 1:  # co-accused need different lawyers
            model.add_at_most_one(variables)
    for j, variables in by_lawyer.items():
        steps = built.load_steps[j]
        # capacity: the number of steps is min(capacity, degree)
        model.add(sum(variables) == sum(steps))
        for earlier, later in itertools.pairwise(steps):
            model.add_implication(later, earlier)


def add_goal_terms(built: AssignmentModel, problem: Problem, eligible: list[list[int]]) -> None:
    weights = problem.weights
    fairness_terms = []
    worst_step: dict[int, int] = {}
    for j, steps in built.load_steps.items():
        load = problem.lawyers[j].load_30d
        for k, step in enumerate(steps, start=1):
            fairness_terms.append(marginal_fairness(weights.fairness, load, k) * step)
        worst_step[j] = marginal_fairness(weights.fairness, load, max(len(steps), 1))
    distance_terms = [
        weights.distance * distance_km(problem.requests[r], problem.lawyers[j]) * var
        for (r, j), var in built.assign.items()
    ]
    built.cost = sum(fairness_terms) + sum(distance_terms)
    built.urgent_count = sum(var for (r, _), var in built.assign.items() if problem.requests[r].urgent)
    built.assigned_count = sum(built.assign.values())
    # Each assignment adds at most its lawyer's last marginal step plus its distance.
    built.cost_bound = sum(
        max(
            (worst_step[j] + weights.distance * distance_km(problem.requests[r], problem.lawyers[j]))
            for j in lawyers
        )
        for r, lawyers in enumerate(eligible)
        if lawyers
    )


def objective_weights(
    built: AssignmentModel, problem: Problem, eligible: list[list[int]]
) -> tuple[int, int, int]:
    """Big-M weights making (urgent, assigned, cost, tie-break) lexicographic in one sum.

    Returns (per urgent, per assignment, per cost unit); the tie-break of a pair is the
    request's index plus the lawyer's position among its candidates (input order), so
    equal-cost optima favour earlier requests and earlier-listed lawyers.
    A single weighted sum keeps the flow structure, so the LP stays tight; solving
    in stages with ``cost == optimum`` fixed was measured to be ~30x slower.
    """
    per_cost = sum(r + len(lawyers) - 1 for r, lawyers in enumerate(eligible) if lawyers) + 1
    per_assignment = per_cost * (built.cost_bound + 1)
    per_urgent = per_assignment * (len(problem.requests) + 1)
    return per_urgent, per_assignment, per_cost


def set_objective(built: AssignmentModel, problem: Problem, eligible: list[list[int]]) -> None:
    per_urgent, per_assignment, per_cost = objective_weights(built, problem, eligible)
    position = {(r, j): r + rank for r, lawyers in enumerate(eligible) for rank, j in enumerate(lawyers)}
    tie_break = sum(position[key] * var for key, var in built.assign.items())
    built.model.minimize(
        per_cost * built.cost
        + tie_break
        - per_urgent * built.urgent_count
        - per_assignment * built.assigned_count
    )


def add_hint(built: AssignmentModel, plan: Plan) -> None:
    built.model.clear_hints()
    counts: dict[int, int] = defaultdict(int)
    for (r, j), var in built.assign.items():
        chosen = plan.get(r) == j
        built.model.add_hint(var, chosen)
        counts[j] += chosen
    for j, steps in built.load_steps.items():
        for k, step in enumerate(steps, start=1):
            built.model.add_hint(step, k <= counts[j])


def read_plan(built: AssignmentModel, solver: Any) -> Plan:
    return {r: j for (r, j), var in built.assign.items() if solver.boolean_value(var)}
