"""Benchmark of the solver core on seeded, realistic generated instances.

Run from the repository root: ``.venv/bin/python bench/solvers.py`` (``make bench``).
For each case it prints time to first feasible, time to proven optimum, objective, gap,
and the greedy baseline with the ratio model/greedy.  Uses the package's own pinned
(deterministic) solver parameters, the same the determinism tests use.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TERRITORIES = {  # court territories with rough centres (km grid) and weights
    "Rīga": ((0.0, 0.0), 0.45),
    "Kurzeme": ((-150.0, 10.0), 0.14),
    "Zemgale": ((-40.0, -50.0), 0.13),
    "Vidzeme": ((60.0, 60.0), 0.13),
    "Latgale": ((200.0, -60.0), 0.15),
}
NAMES = list(TERRITORIES)


def _territory(rng: random.Random) -> str:
    return rng.choices(NAMES, weights=[w for _, w in TERRITORIES.values()])[0]


def _near(rng: random.Random, territory: str, spread: float = 25.0) -> list[float]:
    (x, y), _ = TERRITORIES[territory]
    return [round(x + rng.gauss(0, spread), 1), round(y + rng.gauss(0, spread), 1)]


def legal_aid_instance(seed: int, lawyers: int = 300, requests: int = 120,
                       capacities: tuple[int, ...] = (1, 1, 2, 2, 3), available: float = 0.85) -> dict:
    """``capacities`` (drawn uniformly) and the ``available`` share set how tight it is."""
    rng = random.Random(seed)
    lawyer_rows = []
    for i in range(lawyers):
        home = _territory(rng)
        territories = [home] + ([rng.choice(NAMES)] if rng.random() < 0.2 else [])
        languages = ["lv"] + (["ru"] if rng.random() < 0.5 else []) + (["en"] if rng.random() < 0.3 else [])
        lawyer_rows.append(
            {
                "id": f"L{i + 1:03d}",
                "territories": sorted(set(territories)),
                "languages": languages,
                "juvenile": rng.random() < 0.2,
                "available": rng.random() < available,
                "capacity": rng.choice(capacities),
                "load_30d": min(int(rng.expovariate(1 / 6)), 30),
                "location": _near(rng, home),
            }
        )
    request_rows = []
    for i in range(requests):
        if request_rows and rng.random() < 0.15:  # co-accused of the previous request
            previous = request_rows[-1]
            territory, case_id = previous["territory"], previous["case_id"]
        else:
            territory, case_id = _territory(rng), f"C{i + 1:04d}"
        excluded = []
        if rng.random() < 0.1:
            excluded = rng.sample([lw["id"] for lw in lawyer_rows if territory in lw["territories"]], 2)
        request_rows.append(
            {
                "id": f"R{i + 1:03d}",
                "case_id": case_id,
                "territory": territory,
                "language": rng.choices(["lv", "ru", "en"], weights=[65, 30, 5])[0],
                "juvenile": rng.random() < 0.1,
                "urgent": rng.random() < 0.25,
                "location": _near(rng, territory),
                "excluded_lawyers": excluded,
            }
        )
    return {
        "date": "2026-03-02",
        "lawyers": lawyer_rows,
        "requests": request_rows,
        "weights": {"fairness": 10, "distance": 1},
    }


def roster_instance(seed: int, people: int, regions: int, days: int = 30) -> dict:
    """Day 08:00-20:00 and night 20:00-08:00 shifts; each prosecutor covers a home
    region and sometimes a neighbour; ~10 % of days unavailable; prior duties 0-4."""
    rng = random.Random(seed)
    region_names = [f"{NAMES[g % len(NAMES)]}-{g // len(NAMES) + 1}" for g in range(regions)]
    start = "2026-03-01"
    dates = [f"2026-03-{d + 1:02d}" if d < 31 else f"2026-04-{d - 30:02d}" for d in range(min(days, 61))]
    rows = []
    for i in range(people):
        home = i % regions
        covered = {home} | ({(home + 1) % regions} if rng.random() < 0.5 else set())
        prefs = {}
        if rng.random() < 0.2:
            prefs["avoid_shifts"] = ["night"]
        if rng.random() < 0.2:
            prefs["avoid_dates"] = rng.sample(dates, 2)
        rows.append({
            "id": f"P{i + 1:03d}",
            "regions": [region_names[g] for g in sorted(covered)],
            "unavailable": sorted(d for d in dates if rng.random() < 0.1),
            "prior_duties": rng.randint(0, 4),
            "preferences": prefs,
        })
    return {"start": start, "days": days, "regions": region_names,
            "shifts": [{"id": "day", "start": "08:00", "hours": 12}, {"id": "night", "start": "20:00", "hours": 12}],
            "prosecutors": rows,
            "rules": {"min_rest_hours": 12, "max_shifts_per_7_days": 4, "max_nights_per_7_days": 2}}


def hearings_instance(seed: int, hearings: int = 50, rooms: int = 10) -> dict:
    """Two weeks from Monday 2026-05-04 (1 May and 4 May are Latvian holidays), 30-minute
    grid, 09:00-17:00; 8 judges, 6 prosecutors, 15 advocates; a third of accused in
    prison; 3 of the rooms have video links; 2 convoys; some busy calendar entries."""
    rng = random.Random(seed)
    start = "2026-05-04"

    def busy():
        if rng.random() < 0.3:
            day = rng.randint(0, 13)
            hour = rng.randint(9, 15)
            date = f"2026-05-{4 + day:02d}"
            return [{"start": f"{date}T{hour:02d}:00", "end": f"{date}T{hour + 2:02d}:00"}]
        return []

    people = ([{"id": f"J{i}", "role": "judge", "busy": busy()} for i in range(8)]
              + [{"id": f"PR{i}", "role": "prosecutor", "busy": busy()} for i in range(6)]
              + [{"id": f"A{i}", "role": "advocate", "busy": busy()} for i in range(15)])
    rows = []
    for i in range(hearings):
        accused = {"id": f"D{i}", "role": "accused", "in_prison": rng.random() < 0.33}
        people.append(accused)
        requested = rng.randint(0, 9)
        rows.append({
            "id": f"H{i + 1:02d}",
            "duration_minutes": rng.choice([60, 60, 90, 120, 180]),
            "participants": [f"J{rng.randrange(8)}", f"PR{rng.randrange(6)}", f"A{rng.randrange(15)}", accused["id"]],
            "requested": f"2026-05-{4 + requested:02d}",
            "earliest": f"2026-05-{4 + max(0, requested - 2):02d}",
        })
    return {"start": start, "days": 14, "slot_minutes": 30,
            "working_hours": {"start": "09:00", "end": "17:00"},
            "rooms": [{"id": f"Z{r + 1}", "kind": "video" if r < 3 else "courtroom", "busy": busy()}
                      for r in range(rooms)],
            "convoys": [{"id": "K1"}, {"id": "K2"}],
            "participants": people, "hearings": rows}


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3f} s"


def _row(case: str, first: float | None, proven: float | None, objective, gap, greedy, ratio) -> None:
    print(
        f"{case:<34} first {_fmt(first):>10}  proven {_fmt(proven):>10}  objective {objective!s:>10}  "
        f"gap {gap:>7}  greedy {greedy!s:>10}  model/greedy {ratio}"
    )


def bench_legal_aid(seed: int, time_limit: float) -> None:
    from solvers import legal_aid
    from solvers.legal_aid.solve import solve_with_stats

    problem = legal_aid.parse_problem(legal_aid_instance(seed))
    result, stats = solve_with_stats(problem, time_limit)
    violations = legal_aid.check(problem, result.to_dict())
    assert not violations, violations
    ratio = f"{result.objective / stats.greedy_objective:.3f} ({1 - result.objective / stats.greedy_objective:+.1%} better)"
    _row(
        f"legal aid 120 req x 300 law seed {seed} [{result.status}]",
        stats.first_solution_seconds,
        result.solve_seconds if stats.proven else None,
        result.objective,
        "-" if stats.gap is None else f"{stats.gap:.2%}",
        stats.greedy_objective,
        ratio,
    )


# Tightness grid of the sweep: capacity draws (mean 1 to 4.5) x share of advocates available.
SWEEP_CAPACITIES = ((1,), (1, 1, 2, 2, 3), (2, 2, 3, 3, 4), (3, 4, 5, 6))
SWEEP_AVAILABLE = (0.6, 0.7, 0.8, 0.9, 0.95)
SWEEP_TARGET_SECONDS = 3.0


def bench_legal_aid_sweep(first_seed: int, count: int = 20) -> None:
    """300 requests x 120 advocates, seeded, over the tightness grid: how many are proven
    optimal within the target, and the worst time."""
    from solvers import legal_aid
    from solvers.legal_aid.solve import solve_with_stats

    times, proven_in_time = [], 0
    for i in range(count):
        seed = first_seed + i
        capacities = SWEEP_CAPACITIES[i % len(SWEEP_CAPACITIES)]
        available = SWEEP_AVAILABLE[(i // len(SWEEP_CAPACITIES)) % len(SWEEP_AVAILABLE)]
        data = legal_aid_instance(seed, lawyers=120, requests=300, capacities=capacities, available=available)
        problem = legal_aid.parse_problem(data)
        seats = sum(lawyer.capacity for lawyer in problem.lawyers if lawyer.available)
        result, stats = solve_with_stats(problem)
        violations = legal_aid.check(problem, result.to_dict())
        assert not violations, violations[:5]
        times.append(result.solve_seconds)
        proven_in_time += stats.proven and result.solve_seconds <= SWEEP_TARGET_SECONDS
        print(
            f"  seed {seed:>4}  seats/requests {seats / len(problem.requests):4.2f}  "
            f"assigned {len(result.assignments):>3}/{len(problem.requests)}  [{result.status}]  "
            f"{result.solve_seconds:.3f} s  objective {result.objective}  greedy {stats.greedy_objective}"
        )
    print(
        f"{'legal aid 300 req x 120 adv sweep':<34} proven within {SWEEP_TARGET_SECONDS:g} s: "
        f"{proven_in_time}/{count} ({proven_in_time / count:.0%})  worst {max(times):.3f} s  "
        f"median {sorted(times)[len(times) // 2]:.3f} s"
    )


def bench_urgent(seed: int) -> None:
    from solvers import legal_aid

    data = legal_aid_instance(seed)
    data["requests"] = [dict(data["requests"][0], urgent=True)]
    started = time.perf_counter()
    problem = legal_aid.parse_problem(data)
    result = legal_aid.solve(problem)
    elapsed = time.perf_counter() - started
    print(
        f"{'urgent single assignment (parse+solve)':<34} {elapsed * 1000:.2f} ms  "
        f"[{result.status}] lawyer {result.assignments[0].lawyer_id if result.assignments else '-'}"
    )


def bench_roster(seed: int, people: int, regions: int, time_limit: float) -> None:
    from solvers import roster
    from solvers.roster.solve import solve_with_stats

    problem = roster.parse_problem(roster_instance(seed, people, regions))
    result, stats = solve_with_stats(problem, time_limit)
    out = result.to_dict()
    violations = roster.check(problem, out)
    assert not violations, violations[:5]
    objective = out["objective"] and (out["objective"]["spread"], out["objective"]["preference_penalty"])
    greedy = stats.greedy_score
    ratio = "-" if not (greedy and objective) else f"spread {objective[0]} vs {greedy[0]}"
    _row(f"roster {people}x{regions}x30 seed {seed} [{result.status}]", stats.first_solution_seconds,
         result.solve_seconds if stats.proven else None, objective,
         "-" if stats.gap is None else f"{stats.gap:.2%}", greedy, ratio)


def bench_hearings(seed: int, time_limit: float) -> None:
    from solvers import hearings
    from solvers.hearings.solve import solve_with_stats

    problem = hearings.parse_problem(hearings_instance(seed))
    result, stats = solve_with_stats(problem, time_limit)
    out = result.to_dict()
    violations = hearings.check(problem, out)
    assert not violations, violations[:5]
    objective = (out["objective"]["lateness_days"], out["objective"]["idle_minutes"])
    greedy = stats.greedy_score and (stats.greedy_score[0], stats.greedy_score[1] * problem.slot_minutes)
    _row(f"hearings 50x10 rooms x2 weeks seed {seed} [{result.status}]", stats.first_solution_seconds,
         result.solve_seconds if stats.proven else None, objective,
         "-" if stats.gap is None else f"{stats.gap:.2%}", greedy, "(lateness days, idle minutes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--only", choices=["legal-aid", "legal-aid-sweep", "urgent", "roster", "hearings"])
    args = parser.parse_args()
    import solvers.cpsat

    solvers.cpsat.cp_model()  # pay the import once, outside the timings
    if args.only in (None, "legal-aid"):
        bench_legal_aid(args.seed, args.time_limit)
    if args.only in (None, "legal-aid-sweep"):
        bench_legal_aid_sweep(100 * args.seed)
    if args.only in (None, "roster"):
        bench_roster(args.seed, 40, 5, args.time_limit)
        bench_roster(args.seed, 200, 25, args.time_limit)
    if args.only in (None, "hearings"):
        bench_hearings(args.seed, args.time_limit)
    if args.only in (None, "urgent"):
        bench_urgent(args.seed)


if __name__ == "__main__":
    main()
