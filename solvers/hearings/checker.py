"""Independent checker of a hearing schedule (the result dict, as printed by the CLI)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from solvers.hearings.problem import Problem
from solvers.status import Status

STATUSES = tuple(status.value for status in Status)


def check(problem: Problem, result: dict[str, Any]) -> list[str]:
    """Every violated hard rule as a sentence; [] means valid."""
    violations: list[str] = []
    if result.get("status") not in STATUSES:
        violations.append(f"status {result.get('status')!r} is not one of {', '.join(STATUSES)}")
    import holidays

    hearings = {h.id: h for h in problem.hearings}
    people = {p.id: p for p in problem.participants}
    rooms = {r.id: r for r in problem.rooms}
    convoys = {c.id: c for c in problem.convoys}
    origin = dt.datetime.combine(problem.start, dt.time())
    step = problem.slot_minutes
    holiday_dates = holidays.country_holidays("LV", years=range(problem.start.year, problem.start.year + 2))
    use: dict[str, list[tuple[dt.datetime, dt.datetime, str]]] = defaultdict(list)
    for resource in (*problem.participants, *problem.rooms, *problem.convoys):
        for a, b in resource.busy:
            use[resource.id].append((origin + dt.timedelta(minutes=a * step),
                                     origin + dt.timedelta(minutes=b * step), "a busy period"))
    seen: set[str] = set()
    for entry in result.get("hearings", []):
        hid = entry.get("hearing_id")
        hearing = hearings.get(hid)
        if hearing is None or hid in seen:
            violations.append(f"hearing {hid!r} is unknown or scheduled twice")
            continue
        seen.add(hid)
        start, end = dt.datetime.fromisoformat(entry["start"]), dt.datetime.fromisoformat(entry["end"])
        day = (start.date() - problem.start).days
        if (end - start) != dt.timedelta(minutes=hearing.duration * step):
            violations.append(f"hearing {hid}: lasts {end - start}, needs {hearing.duration * step} minutes")
        if start.weekday() >= 5 or start.date() in holiday_dates:
            violations.append(f"hearing {hid}: {start.date()} is not a working day")
        if not hearing.earliest <= day <= hearing.latest:
            violations.append(f"hearing {hid}: {start.date()} is outside its window")
        minutes = start.hour * 60 + start.minute
        if minutes % step or minutes < problem.day_start * step or end.date() != start.date() \
                or end.hour * 60 + end.minute > problem.day_end * step:
            violations.append(f"hearing {hid}: {entry['start']}–{entry['end']} is off the grid or working hours")
        room, convoy = rooms.get(entry.get("room")), convoys.get(entry.get("convoy"))
        if room is None:
            violations.append(f"hearing {hid}: unknown room {entry.get('room')!r}")
            continue
        if entry.get("convoy") is not None and convoy is None:
            violations.append(f"hearing {hid}: unknown convoy {entry.get('convoy')!r}")
        if any(people[p].in_prison for p in hearing.participants):
            by_video, by_convoy = room.kind == "video", convoy is not None
            if by_video == by_convoy:
                violations.append(f"hearing {hid}: a prisoner needs either a convoy to a courtroom or a video room")
        for rid in (*hearing.participants, room.id, *([convoy.id] if convoy else [])):
            use[rid].append((start, end, f"hearing {hid}"))
    for hid in hearings:
        if hid not in seen and hid not in {u.get("hearing_id") for u in result.get("unscheduled", [])}:
            violations.append(f"hearing {hid!r} is neither scheduled nor reported unscheduled")
    for rid, spans in use.items():
        spans.sort()
        for i, (_, e1, what1) in enumerate(spans):
            for s2, _, what2 in spans[i + 1:]:
                if s2 < e1 and "hearing" in what1 + what2:
                    violations.append(f"{rid} is double-booked: {what1} and {what2} overlap")
    return violations + _objective_violations(problem, result)


def _objective_violations(problem: Problem, result: dict[str, Any]) -> list[str]:
    hearings = {h.id: h for h in problem.hearings}
    late, per_person_day = 0, defaultdict(list)
    for entry in result.get("hearings", []):
        hearing = hearings.get(entry.get("hearing_id"))
        if hearing is None:
            continue
        start, end = dt.datetime.fromisoformat(entry["start"]), dt.datetime.fromisoformat(entry["end"])
        late += max(0, (start.date() - problem.start).days - hearing.requested)
        for pid in hearing.participants:
            per_person_day[pid, start.date()].append((start, end))
    idle = 0
    for spans in per_person_day.values():
        busy = sum((e - s).total_seconds() // 60 for s, e in spans)
        idle += int((max(e for _, e in spans) - min(s for s, _ in spans)).total_seconds() // 60 - busy)
    found = {"lateness_days": late, "idle_minutes": idle}
    if result.get("objective") != found:
        return [f"objective is {result.get('objective')} but the schedule gives {found}"]
    return []
