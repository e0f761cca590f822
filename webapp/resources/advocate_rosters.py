"""Advocates' duty rosters: who answers urgent legal-aid requests (a detained person, a first
questioning, a detention hearing: KPL s.81) in each court territory, around the clock.

Built like the duty-prosecutor rosters (webapp/resources/rosters.py) with the same roster solver:
the advocates stand in for the solver's people and their territories for its regions; one 24-hour
duty a day per territory, with a day's rest after each. A draft is approved by the elder of sworn
advocates (or an admin); `assign_defence_lawyer` proposes the advocates on duty for urgent requests.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from engine.errors import N_, Conflict, InvalidInput, NotFound, Phrase
from engine.models import User
from engine.services.transaction import atomic
from webapp.extensions import db
from webapp.resources.common import (
    TERRITORIES,
    parse_month,
    require_role,
    riga_moment,
    stored_territory,
    territory_name,
)
from webapp.resources.models import Advocate, AdvocateDutySlot, AdvocateRoster, RosterStatus
from webapp.resources.people import now, on_leave, record

APPROVER = "elder_of_sworn_advocates"
READERS = (APPROVER, "legal_aid_officer")
SHIFTS = ({"id": "duty", "start": "08:00", "hours": 24},)
DEFAULT_RULES = {"min_rest_hours": 24, "max_shifts_per_7_days": 3, "max_nights_per_7_days": 3}
DEFAULT_TIME_LIMIT = 30.0


class AdvocateRosterInfeasible(InvalidInput):
    """No roster covers the territories with the advocates and leave on record."""


def build_problem(first: dt.date, days: int, regions: list[str], rules: dict | None = None) -> dict:
    """The roster solver's input: active advocates practising in the territories, leave as unavailable days."""
    advocates = [
        a for a in db.session.scalars(select(Advocate).where(Advocate.active.is_(True)).order_by(Advocate.code)
                                      .execution_options(populate_existing=True))
        if set(map(stored_territory, a.territories)) & set(regions)
    ]
    people = [{
        "id": a.code, "regions": sorted(set(map(stored_territory, a.territories)) & set(regions)),
        "unavailable": [(first + dt.timedelta(days=i)).isoformat() for i in range(days)
                        if on_leave(a.leaves, first + dt.timedelta(days=i))],
        "prior_duties": 0,
    } for a in advocates]
    return {"start": first.isoformat(), "days": days, "regions": list(regions), "shifts": [dict(s) for s in SHIFTS],
            "prosecutors": people, "rules": dict(rules or DEFAULT_RULES)}


def solve_month(actor: str, month: str, *, regions: list[str] | None = None,
                time_limit: float = DEFAULT_TIME_LIMIT, rules: dict | None = None) -> AdvocateRoster:
    """Solve a month and store it as a new draft version (one transaction)."""
    from solvers import SolverInputError, roster  # CP-SAT loads slowly: only when first needed

    first, days = parse_month(month)
    regions = [territory_name(r, "regions") for r in (regions or list(TERRITORIES))]
    if time_limit <= 0:
        raise InvalidInput(N_("the time limit must be positive"))
    problem = build_problem(first, days, regions, rules)
    if not problem["prosecutors"]:
        raise AdvocateRosterInfeasible(N_("no active advocate practises in %(regions)s: add advocates first"),
                                       params={"regions": ", ".join(regions)})
    try:
        result = roster.solve(roster.parse_problem(problem), time_limit=time_limit)
    except SolverInputError as err:
        raise InvalidInput(N_("the roster input is invalid: %(problem)s"), params={"problem": str(err)}) from err
    if result.status.value == "infeasible":
        raise AdvocateRosterInfeasible(N_("no advocates' roster for %(month)s: %(reason)s"),
                                       params={"month": month, "reason": result.reason})
    session = db.session
    by_code = {a.code: a.id for a in session.scalars(select(Advocate))}
    shift = SHIFTS[0]
    with atomic(session, Phrase(N_("the roster for %(month)s could not be stored"), month=month)):
        version = (session.scalar(select(func.max(AdvocateRoster.version)).where(AdvocateRoster.month == month)) or 0) + 1
        row = AdvocateRoster(
            month=month, version=version, status=RosterStatus.DRAFT, created_at=now(), created_by=actor,
            solver_status=result.status.value, objective={"spread": result.spread},
            solve_seconds=round(result.solve_seconds, 3), unfilled=[dict(u) for u in result.unfilled],
            settings={"regions": regions, "shifts": problem["shifts"], "rules": problem["rules"], "time_limit": time_limit},
        )
        for duty in result.assignments:
            day = dt.date.fromisoformat(duty.date)
            starts_at = riga_moment(day, shift["start"])
            row.slots.append(AdvocateDutySlot(date=day, region=duty.region, shift=duty.shift, starts_at=starts_at,
                                              ends_at=starts_at + dt.timedelta(hours=shift["hours"]),
                                              advocate_id=by_code[duty.prosecutor_id]))
        session.add(row)
        session.flush()
        record(actor, "advocate_roster_drafted", roster_id=row.id, month=month, version=version,
               status=result.status.value, duties=len(result.assignments), unfilled=len(result.unfilled))
    return row


def approve(actor: User | str, roster_id: int | None = None, month: str | None = None) -> AdvocateRoster:
    """The elder makes a draft the month's current roster; the approved one before is superseded."""
    name = actor if isinstance(actor, str) else actor.username
    if not isinstance(actor, str):
        require_role(actor, APPROVER, action=N_("approve advocates' rosters"))
    session = db.session
    if roster_id is not None:
        row = get_roster_row(roster_id)
    else:
        parse_month(month)
        row = session.scalar(select(AdvocateRoster).where(AdvocateRoster.month == month,
                                                          AdvocateRoster.status == RosterStatus.DRAFT)
                             .order_by(AdvocateRoster.version.desc()).limit(1))
        if row is None:
            raise NotFound(N_("there is no draft advocates' roster for %(month)s: solve one first"), params={"month": month})
    if row.status != RosterStatus.DRAFT:
        raise Conflict(N_("roster %(month)s v%(version)s is %(status)s, not a draft"),
                       params={"month": row.month, "version": row.version, "status": str(row.status)})
    if row.unfilled:
        raise Conflict(N_("roster %(month)s v%(version)s leaves %(unfilled)s slots unfilled: solve again "
                          "with a longer time limit or more advocates"),
                       params={"month": row.month, "version": row.version, "unfilled": len(row.unfilled)})
    with atomic(session, Phrase(N_("roster %(month)s v%(version)s could not be approved"), month=row.month, version=row.version)):
        superseded = list(session.scalars(select(AdvocateRoster).where(
            AdvocateRoster.month == row.month, AdvocateRoster.status == RosterStatus.APPROVED, AdvocateRoster.id != row.id)))
        for old in superseded:
            old.status = RosterStatus.SUPERSEDED
        row.status, row.approved_at, row.approved_by = RosterStatus.APPROVED, now(), name
        record(name, "advocate_roster_approved", roster_id=row.id, month=row.month, version=row.version,
               superseded=[old.id for old in superseded])
    return row


def list_rosters(actor: User, month: str | None = None) -> list[AdvocateRoster]:
    require_role(actor, *READERS, action=N_("see advocates' rosters"))
    query = select(AdvocateRoster).order_by(AdvocateRoster.month, AdvocateRoster.version)
    if month:
        parse_month(month)
        query = query.where(AdvocateRoster.month == month)
    return list(db.session.scalars(query))


def get_roster(actor: User, roster_id: int) -> AdvocateRoster:
    require_role(actor, *READERS, action=N_("see advocates' rosters"))
    return get_roster_row(roster_id)


def get_roster_row(roster_id: int) -> AdvocateRoster:
    row = db.session.get(AdvocateRoster, roster_id, populate_existing=True)
    if row is None:
        raise NotFound(N_("roster %(roster)s does not exist"), params={"roster": roster_id})
    return row


def latest(month: str) -> AdvocateRoster | None:
    """The approved roster of the month, else its latest draft."""
    parse_month(month)
    rows = list(db.session.scalars(select(AdvocateRoster).where(AdvocateRoster.month == month)
                                   .order_by(AdvocateRoster.version.desc())))
    return next((r for r in rows if r.status == RosterStatus.APPROVED), rows[0] if rows else None)


def on_duty(territory: str, moment: dt.datetime) -> set[int] | None:
    """Advocate record ids on approved duty in the territory at `moment`; None when no approved
    roster covers the territory then (urgent requests then go to every eligible advocate)."""
    slots = db.session.scalars(
        select(AdvocateDutySlot).join(AdvocateRoster, AdvocateRoster.id == AdvocateDutySlot.roster_id)
        .where(AdvocateRoster.status == RosterStatus.APPROVED, AdvocateDutySlot.starts_at <= moment,
               AdvocateDutySlot.ends_at > moment)
    ).all()
    in_territory = {slot.advocate_id for slot in slots if slot.region == territory}
    return in_territory or None


def roster_dict(row: AdvocateRoster, with_slots: bool = False) -> dict:
    out = {"id": row.id, "month": row.month, "version": row.version, "status": row.status,
           "created_at": row.created_at, "created_by": row.created_by, "approved_at": row.approved_at,
           "approved_by": row.approved_by, "solver_status": row.solver_status, "objective": row.objective,
           "solve_seconds": row.solve_seconds, "settings": row.settings, "unfilled": row.unfilled,
           "duties": len(row.slots)}
    if with_slots:
        out["slots"] = [{"id": s.id, "date": s.date, "region": s.region, "shift": s.shift, "starts_at": s.starts_at,
                         "ends_at": s.ends_at, "advocate_id": s.advocate_id, "advocate_code": s.advocate.code,
                         "advocate_name": s.advocate.full_name} for s in row.slots]
    return out
