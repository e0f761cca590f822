"""Duty-prosecutor rosters: a month's draft from the solver, approval, and the duty slots."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select

from engine.errors import N_, Conflict, InvalidInput, NotFound, Phrase, field_error
from engine.models import User
from engine.services.transaction import atomic
from webapp.extensions import db
from webapp.resources.common import TERRITORIES, parse_month, require_role, riga_moment, territory_name
from webapp.resources.models import DutySlot, Prosecutor, Roster, RosterStatus
from webapp.resources.people import now, on_leave, record
from webapp.resources.prosecutors import READERS, for_user

DEFAULT_SHIFTS = (
    {"id": "day", "start": "08:00", "hours": 12},
    {"id": "night", "start": "20:00", "hours": 12},
)
DEFAULT_RULES = {"min_rest_hours": 12, "max_shifts_per_7_days": 3, "max_nights_per_7_days": 2}
PRIOR_MONTHS = 3
DEFAULT_TIME_LIMIT = 30.0

Progress = Callable[[str, str], None]


class RosterInfeasible(InvalidInput):
    """No roster satisfies the rules with the prosecutors and leave on record."""


def _months_back(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def build_problem(first: dt.date, days: int, regions: list[str], shifts=DEFAULT_SHIFTS, rules=None) -> dict:
    """The roster solver's input: active prosecutors covering the regions, their leave as
    unavailable dates, and their approved duties of the previous months as prior duties."""
    session = db.session
    last = first + dt.timedelta(days=days - 1)
    prosecutors = [
        p for p in session.scalars(
            select(Prosecutor).where(Prosecutor.active.is_(True)).order_by(Prosecutor.code)
            .execution_options(populate_existing=True)
        )
        if set(p.regions) & set(regions)
    ]
    prior = dict(session.execute(
        select(DutySlot.prosecutor_id, func.count()).join(Roster, Roster.id == DutySlot.roster_id)
        .where(Roster.status == RosterStatus.APPROVED, DutySlot.date >= _months_back(first, PRIOR_MONTHS),
               DutySlot.date < first)
        .group_by(DutySlot.prosecutor_id)
    ).all())
    # The solver sees one month; a duty running into its first morning must still leave rest.
    overnight = set(session.scalars(
        select(DutySlot.prosecutor_id).join(Roster, Roster.id == DutySlot.roster_id)
        .where(Roster.status == RosterStatus.APPROVED, DutySlot.ends_at > riga_moment(first, "00:00"),
               DutySlot.starts_at < riga_moment(first, "00:00"))
    ))
    entries = []
    for p in prosecutors:
        unavailable = [
            (first + dt.timedelta(days=i)).isoformat() for i in range(days)
            if on_leave(p.leaves, first + dt.timedelta(days=i))
        ]
        if p.id in overnight and first.isoformat() not in unavailable:
            unavailable.insert(0, first.isoformat())
        entries.append({"id": p.code, "regions": [r for r in p.regions if r in regions],
                        "unavailable": unavailable, "prior_duties": prior.get(p.id, 0)})
    if last < first:
        raise InvalidInput(N_("the roster needs at least one day"))
    return {"start": first.isoformat(), "days": days, "regions": list(regions), "shifts": [dict(s) for s in shifts],
            "prosecutors": entries, "rules": dict(rules or DEFAULT_RULES)}


def solve_month(actor: str, month: str, *, regions: list[str] | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
                rules: dict | None = None, progress: Progress | None = None) -> Roster:
    """Solve a month and store the result as a new draft version (one transaction)."""
    from solvers import SolverInputError, roster  # CP-SAT loads slowly: only when first needed

    say = progress or (lambda phase, detail: None)
    first, days = parse_month(month)
    regions = [territory_name(r, "regions") for r in (regions or list(TERRITORIES))]
    if time_limit <= 0:
        raise InvalidInput(N_("the time limit must be positive"))
    say("loading", f"prosecutors, leave and prior duties for {month}")
    problem = build_problem(first, days, regions, rules=rules)
    if not problem["prosecutors"]:
        raise RosterInfeasible(f"no active prosecutor covers {', '.join(regions)}: add prosecutors first")
    try:
        parsed = roster.parse_problem(problem)
    except SolverInputError as err:
        raise InvalidInput(N_("the roster input is invalid: %(problem)s"), params={"problem": str(err)}) from err
    say("solving", f"{len(problem['prosecutors'])} prosecutors, {days * len(regions) * len(problem['shifts'])} "
                   f"slots, time limit {time_limit:g} s")
    result = roster.solve(parsed, time_limit=time_limit)
    if result.status.value == "infeasible":
        raise RosterInfeasible(f"no roster for {month}: {result.reason}")
    say("storing", f"{len(result.assignments)} duties ({result.status.value})")
    session = db.session
    moment = now()
    by_code = {p.code: p.id for p in session.scalars(select(Prosecutor))}
    hours = {s["id"]: (s["start"], s["hours"]) for s in problem["shifts"]}
    with atomic(session, Phrase(N_("the roster for %(month)s could not be stored"), month=month)):
        version = (session.scalar(select(func.max(Roster.version)).where(Roster.month == month)) or 0) + 1
        row = Roster(
            month=month, version=version, status=RosterStatus.DRAFT, created_at=moment, created_by=actor,
            solver_status=result.status.value,
            objective={"spread": result.spread, "preference_penalty": result.preference_penalty},
            solve_seconds=round(result.solve_seconds, 3), unfilled=[dict(u) for u in result.unfilled],
            settings={"regions": regions, "shifts": problem["shifts"], "rules": problem["rules"],
                      "time_limit": time_limit},
        )
        for duty in result.assignments:
            day = dt.date.fromisoformat(duty.date)
            start, length = hours[duty.shift]
            starts_at = riga_moment(day, start)
            row.slots.append(DutySlot(date=day, region=duty.region, shift=duty.shift, starts_at=starts_at,
                                      ends_at=starts_at + dt.timedelta(hours=length),
                                      prosecutor_id=by_code[duty.prosecutor_id]))
        session.add(row)
        session.flush()
        record(actor, "roster_drafted", roster_id=row.id, month=month, version=version, status=result.status.value,
               objective=row.objective, duties=len(result.assignments), unfilled=len(result.unfilled))
    return row


def approve(actor: User | str, roster_id: int | None = None, month: str | None = None) -> Roster:
    """Make a draft the month's current roster; the previously approved version is superseded.
    Without `roster_id`, the month's latest draft."""
    name = actor if isinstance(actor, str) else actor.username
    if not isinstance(actor, str):
        require_role(actor, action=N_("approve rosters"))
    session = db.session
    if roster_id is not None:
        row = session.get(Roster, roster_id, populate_existing=True)
        if row is None:
            raise NotFound(N_("roster %(roster)s does not exist"), params={"roster": roster_id})
    else:
        parse_month(month)
        row = session.scalar(select(Roster).where(Roster.month == month, Roster.status == RosterStatus.DRAFT)
                             .order_by(Roster.version.desc()).limit(1))
        if row is None:
            raise NotFound(N_("there is no draft roster for %(month)s: run 'roster solve --month %(month)s' first"),
                           params={"month": month})
    if row.status != RosterStatus.DRAFT:
        raise Conflict(N_("roster %(month)s v%(version)s is %(status)s, not a draft"),
                       params={"month": row.month, "version": row.version, "status": str(row.status)})
    if row.unfilled:
        raise Conflict(N_("roster %(month)s v%(version)s leaves %(unfilled)s slots unfilled: solve again "
                          "with a longer time limit or more prosecutors"),
                       params={"month": row.month, "version": row.version, "unfilled": len(row.unfilled)})
    moment = now()
    with atomic(session, Phrase(N_("roster %(month)s v%(version)s could not be approved"), month=row.month, version=row.version)):
        superseded = list(session.scalars(select(Roster).where(
            Roster.month == row.month, Roster.status == RosterStatus.APPROVED, Roster.id != row.id)))
        for old in superseded:
            old.status = RosterStatus.SUPERSEDED
        row.status, row.approved_at, row.approved_by = RosterStatus.APPROVED, moment, name
        record(name, "roster_approved", roster_id=row.id, month=row.month, version=row.version,
               superseded=[old.id for old in superseded])
    return row


def list_rosters(actor: User, month: str | None = None) -> list[Roster]:
    require_role(actor, *READERS, action=N_("see rosters"))
    query = select(Roster).order_by(Roster.month, Roster.version)
    if month:
        parse_month(month)
        query = query.where(Roster.month == month)
    return list(db.session.scalars(query))


def get_roster(actor: User, roster_id: int) -> Roster:
    require_role(actor, *READERS, action=N_("see rosters"))
    row = db.session.get(Roster, roster_id)
    if row is None:
        raise NotFound(N_("roster %(roster)s does not exist"), params={"roster": roster_id})
    return row


def latest(month: str) -> Roster | None:
    """The approved roster of the month, else its latest draft."""
    parse_month(month)
    rows = list(db.session.scalars(select(Roster).where(Roster.month == month).order_by(Roster.version.desc())))
    return next((r for r in rows if r.status == RosterStatus.APPROVED), rows[0] if rows else None)


def approved_slots(prosecutor_id: int | None, start: dt.datetime | None = None,
                   end: dt.datetime | None = None) -> list[DutySlot]:
    query = (select(DutySlot).join(Roster, Roster.id == DutySlot.roster_id)
             .where(Roster.status == RosterStatus.APPROVED).order_by(DutySlot.starts_at, DutySlot.region))
    if prosecutor_id is not None:
        query = query.where(DutySlot.prosecutor_id == prosecutor_id)
    if start is not None:
        query = query.where(DutySlot.ends_at > start)
    if end is not None:
        query = query.where(DutySlot.starts_at < end)
    return list(db.session.scalars(query))


def duty_slots(actor: User, prosecutor: str | None, start: dt.date | None, end: dt.date | None) -> list[DutySlot]:
    """Approved duty slots; `prosecutor` is `me`, a prosecutor id, or None (everyone: readers only)."""
    if start and end and end < start:
        raise InvalidInput(N_("`to` is before `from`"), [field_error("/to", N_("before from"))])
    if prosecutor == "me":
        own = for_user(actor)
        if own is None:
            raise NotFound(N_("your user is not linked to a prosecutor"))
        prosecutor_id = own.id
    else:
        require_role(actor, *READERS, action=N_("see other prosecutors' duties"))
        if prosecutor is None:
            prosecutor_id = None
        elif prosecutor.isdigit():
            prosecutor_id = int(prosecutor)
        else:
            raise InvalidInput(N_("prosecutor must be `me` or a prosecutor id"),
                               [field_error("/prosecutor", N_("expected me or an id"))])
    lower = riga_moment(start, "00:00") if start else None
    upper = riga_moment(end + dt.timedelta(days=1), "00:00") if end else None
    return approved_slots(prosecutor_id, lower, upper)


def slot_dict(slot: DutySlot) -> dict:
    return {"id": slot.id, "roster_id": slot.roster_id, "date": slot.date, "region": slot.region,
            "shift": slot.shift, "starts_at": slot.starts_at, "ends_at": slot.ends_at,
            "prosecutor_id": slot.prosecutor_id, "prosecutor_code": slot.prosecutor.code,
            "prosecutor_name": slot.prosecutor.full_name}


def roster_dict(row: Roster, with_slots: bool = False) -> dict:
    out = {"id": row.id, "month": row.month, "version": row.version, "status": row.status,
           "created_at": row.created_at, "created_by": row.created_by, "approved_at": row.approved_at,
           "approved_by": row.approved_by, "solver_status": row.solver_status, "objective": row.objective,
           "solve_seconds": row.solve_seconds, "settings": row.settings, "unfilled": row.unfilled,
           "duties": len(row.slots)}
    if with_slots:
        out["slots"] = [slot_dict(s) for s in row.slots]
    return out




def get_roster_row(roster_id: int) -> Roster:
    row = db.session.get(Roster, roster_id)
    if row is None:
        raise NotFound(N_("roster %(roster)s does not exist"), params={"roster": roster_id})
    return row


def month_rows(month: str) -> list[Roster]:
    parse_month(month)
    return list(db.session.scalars(select(Roster).where(Roster.month == month).order_by(Roster.version)))
