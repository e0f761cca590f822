"""CP-SAT model of the roster: variables, constraints, objective.

The fairness objective (max − min total duties) only becomes provable when the model
is told the implied bounds max ≥ ceil(average) and min ≤ floor(average).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from solvers.cpsat import cp_model
from solvers.roster.plan import Plan, totals
from solvers.roster.problem import Problem
from solvers.roster.slots import Slot, conflict_cliques, eligible, penalty, slots, windows


@dataclass
class RosterModel:
    model: Any
    assign: dict[tuple[Slot, int], Any] = field(default_factory=dict)
    spread: Any = None
    penalty: Any = 0
    highest: Any = None
    lowest: Any = None


def build_model(problem: Problem, without_penalties: bool = False) -> RosterModel:
    """``without_penalties`` leaves out every assignment a preference penalises."""
    built = RosterModel(model=cp_model().CpModel())
    add_variables(built, problem, without_penalties)
    add_constraints(built, problem)
    set_objective(built, problem)
    return built


def add_variables(built: RosterModel, problem: Problem, without_penalties: bool) -> None:
    for slot in slots(problem):
        if slot in problem.fixed:
            person = problem.fixed[slot]
            built.assign[slot, person] = built.model.new_constant(1)
            continue
        for person in range(len(problem.prosecutors)):
            if eligible(problem, slot, person) and not (without_penalties and penalty(problem, slot, person)):
                built.assign[slot, person] = built.model.new_bool_var(f"x_{slot}_{person}")


def add_constraints(built: RosterModel, problem: Problem) -> None:
    model = built.model
    by_slot: dict[Slot, list[Any]] = defaultdict(list)
    by_person_instance: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
    for (slot, person), var in built.assign.items():
        by_slot[slot].append(var)
        by_person_instance[person, slot[0], slot[2]].append(var)
    for slot in slots(problem):
        model.add_exactly_one(by_slot[slot])
    night = [shift.is_night for shift in problem.shifts]
    rules = problem.rules
    for person in range(len(problem.prosecutors)):
        for clique in conflict_cliques(problem):
            held = [v for i in clique for v in by_person_instance.get((person, i.day, i.shift), [])]
            if len(held) > 1:
                model.add_at_most_one(held)
        for window in windows(problem):
            in_window = [
                (v, night[s]) for d in window for s in range(len(problem.shifts))
                for v in by_person_instance.get((person, d, s), [])
            ]
            if len(in_window) > rules.max_shifts_per_7_days:
                model.add(sum(v for v, _ in in_window) <= rules.max_shifts_per_7_days)
            nights = [v for v, is_night in in_window if is_night]
            if len(nights) > rules.max_nights_per_7_days:
                model.add(sum(nights) <= rules.max_nights_per_7_days)


def set_objective(built: RosterModel, problem: Problem) -> None:
    model = built.model
    people = problem.prosecutors
    n_slots = len(slots(problem))
    by_person: dict[int, list[Any]] = defaultdict(list)
    for (_, person), var in built.assign.items():
        by_person[person].append(var)
    low_prior = min(p.prior_duties for p in people)
    high_total = max(p.prior_duties for p in people) + n_slots
    highest = model.new_int_var(low_prior, high_total, "max_total")
    lowest = model.new_int_var(low_prior, high_total, "min_total")
    for person, prosecutor in enumerate(people):
        total = prosecutor.prior_duties + sum(by_person[person])
        model.add(highest >= total)
        model.add(lowest <= total)
    grand_total = total_duties(problem)
    model.add(highest >= -(-grand_total // len(people)))  # implied: max ≥ ceil(average)
    model.add(lowest <= grand_total // len(people))  # implied: min ≤ floor(average)
    built.highest, built.lowest = highest, lowest
    built.spread = highest - lowest
    built.penalty = sum(penalty(problem, slot, person) * var for (slot, person), var in built.assign.items())
    worst_penalty = 3 * n_slots
    model.minimize(built.spread * (worst_penalty + 1) + built.penalty)


def total_duties(problem: Problem) -> int:
    return sum(p.prior_duties for p in problem.prosecutors) + len(slots(problem))


def spread_lower_bound(problem: Problem) -> int:
    """ceil(average) − floor(average): no roster can be fairer than this."""
    total, people = total_duties(problem), len(problem.prosecutors)
    return -(-total // people) - total // people


def add_hint(built: RosterModel, problem: Problem, plan: Plan) -> None:
    """A complete hint (objective bounds included) lets the solver start from the greedy roster."""
    for (slot, person), var in built.assign.items():
        if slot not in problem.fixed:
            built.model.add_hint(var, plan.get(slot) == person)
    if len(plan) == len(slots(problem)):
        counts = totals(problem, plan)
        built.model.add_hint(built.highest, max(counts))
        built.model.add_hint(built.lowest, min(counts))


def read_plan(built: RosterModel, solver: Any) -> Plan:
    return {slot: person for (slot, person), var in built.assign.items() if solver.boolean_value(var)}
