"""The `assign_defence_lawyer` service operation: pick a state-ensured defence lawyer for one
request with the legal-aid solver, from the advocates' tables.

It runs inside the engine's task execution, in the same transaction as the instance change: the
assignment row and its audit row are added to the engine's session and committed (or rolled
back) with the instance. It never commits.

Nobody eligible is a business outcome, not a failure: it raises `engine.BpmnError`
(`no_advocate_eligible`), which the bundled process routes to manual assignment. When no advocate
speaks the person's language, the advocate is chosen for the language of the proceedings
(Latvian) and the result says an interpreter is needed. The result also carries `max_rounds`
(the `LIETA_LEGAL_AID_MAX_ROUNDS` setting): how many proposals the process makes before it asks a
person to assign by hand.

It acts on the calling case only: the case (its number, its instance) comes from the call context,
never from a parameter (the registry refuses a `case_id` naming another case), and only this
instance's own earlier assignments are marked declined.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from flask import current_app
from sqlalchemy import select

from engine import BpmnError, audit
from engine.errors import N_, InvalidInput
from engine.service_registry import current_call
from webapp.extensions import db
from webapp.resources import advocate_rosters
from webapp.resources.advocates import is_available, load_by_advocate
from webapp.resources.common import TERRITORIES, riga_date, territory_name
from webapp.resources.models import Advocate, AdvocateAssignment, AssignmentStatus

OPERATION = "assign_defence_lawyer"
TIME_LIMIT_SECONDS = 10.0
LOAD_WINDOW_DAYS = 30
NO_ADVOCATE_ELIGIBLE = "no_advocate_eligible"
PROCEEDINGS_LANGUAGE = "lv"  # an interpreter bridges any other language (KPL s.11)


def _value(params: dict, data: dict, *names: str, default: Any = None) -> Any:
    for source in (params, data):
        for name in names:
            if source.get(name) is not None:
                return source[name]
    return default


def _declined(params: dict, data: dict) -> list[str]:
    ids: list[str] = []
    for name in ("declined_advocates", "declined_advocate_ids", "excluded_lawyers"):
        for source in (params, data):
            for item in source.get(name) or []:
                value = item.get("advocate_id") if isinstance(item, dict) else item
                if value is not None and str(value) not in ids:
                    ids.append(str(value))
    return ids


def build_request(params: dict, data: dict, case_id: str | None) -> dict:
    """The solver's request for the calling case `case_id`, from the service task's parameters,
    falling back to the task data. Names of the bundled legal-aid process are understood too
    (court_territory, person_is_minor, detained, declined_advocates)."""
    if case_id in (None, ""):
        raise InvalidInput(N_("the calling case has no case number: its data needs case_number (or case_id)"))
    territory = _value(params, data, "territory", "court_territory")
    if territory is None:
        raise InvalidInput(N_("the request names no court territory: give territory (or court_territory)"))
    territory = territory_name(territory)
    language = str(_value(params, data, "language", default="lv")).strip().lower()
    location = _value(params, data, "location")
    if location is None:
        location = list(TERRITORIES.get(territory, (0.0, 0.0)))  # a territory added to the list later: no seat on record
    elif not (isinstance(location, list | tuple) and len(location) == 2
              and all(isinstance(v, int | float) and not isinstance(v, bool) for v in location)):
        raise InvalidInput(N_("location must be a pair [x_km, y_km], got %(location)r"), params={"location": location})
    return {
        "id": "request",
        "case_id": str(case_id),
        "territory": territory,
        "language": language,
        "juvenile": bool(_value(params, data, "juvenile", "person_is_minor", default=False)),
        "urgent": bool(_value(params, data, "urgent", default=False) or _value(params, data, "detained", default=False)),
        "location": [float(location[0]), float(location[1])],
        "excluded_lawyers": _declined(params, data),
    }


def build_problem(day: dt.date, request: dict, moment: dt.datetime | None = None) -> tuple[dict, dict[str, Advocate]]:
    """The solver input for one request on `day`, and the advocates by solver id (their code).
    An urgent request at `moment` goes to the territory's advocates on duty then, when an approved
    advocates' roster covers that moment (KPL s.81)."""
    advocates = list(db.session.scalars(select(Advocate).where(Advocate.active.is_(True)).order_by(Advocate.id).execution_options(populate_existing=True)
    ))
    # The rolling load: the 30 days before the date and the assignments already made on it, so
    # that two requests on one day with equal candidates go to different advocates.
    load = load_by_advocate(day - dt.timedelta(days=LOAD_WINDOW_DAYS), day + dt.timedelta(days=1))
    today = load_by_advocate(day, day + dt.timedelta(days=1))
    for pending in db.session.new:  # made earlier in this same transaction (not flushed yet)
        if isinstance(pending, AdvocateAssignment) and pending.status == AssignmentStatus.ASSIGNED:
            load[pending.advocate_id] = load.get(pending.advocate_id, 0) + 1
            today[pending.advocate_id] = today.get(pending.advocate_id, 0) + 1
    on_duty = advocate_rosters.on_duty(request["territory"], moment) if request["urgent"] and moment else None
    lawyers = [
        {
            "id": a.code,
            "territories": list(a.territories),
            "languages": list(a.languages),
            "juvenile": a.juvenile,
            "available": is_available(a, day) and (on_duty is None or a.id in on_duty),
            "capacity": max(a.daily_capacity - today.get(a.id, 0), 0),
            "load_30d": load.get(a.id, 0),
            "location": [a.office_x_km, a.office_y_km],
        }
        for a in advocates
    ]
    problem = {"date": day.isoformat(), "lawyers": lawyers, "requests": [request]}
    return problem, {a.code: a for a in advocates}


def assign(engine, params: dict, task_data: dict) -> dict:
    """The operation's handler (registered with `functools.partial(assign, engine)`)."""
    session = db.session
    # The instance being changed may not be flushed yet (a new one has no state until the engine
    # saves it): nothing here may autoflush, and nothing flushes; the engine's save does.
    with session.no_autoflush:
        return _assign(engine, session, params or {}, task_data or {})


def _assign(engine, session, params: dict, task_data: dict) -> dict:
    from solvers import SolverInputError, legal_aid  # CP-SAT loads slowly: only when first needed

    call = current_call.get()
    if call is None:
        raise InvalidInput(N_("%(operation)s runs only as a service task of a case"), params={"operation": OPERATION})
    moment = engine.clock.now()
    day = riga_date(moment)
    request = build_request(params, task_data, call.case_reference)
    problem, by_code = build_problem(day, request, moment)
    result = _solve(legal_aid, SolverInputError, problem)
    interpreter_language = None
    if not result.assignments and request["language"] != PROCEEDINGS_LANGUAGE and not _speakers(problem, request):
        # Nobody speaks the person's language: an advocate of the proceedings' language, with an interpreter.
        interpreter_language = request["language"]
        request = {**request, "language": PROCEEDINGS_LANGUAGE}
        problem, by_code = build_problem(day, request, moment)
        result = _solve(legal_aid, SolverInputError, problem)
    if not result.assignments:
        reason = result.unassigned[0].reason if result.unassigned else "no advocate is eligible"
        raise BpmnError(
            NO_ADVOCATE_ELIGIBLE,
            f"no advocate can be assigned to case {request['case_id']} on {day.isoformat()}: {reason}",
            data={"reason": reason, "territory": request["territory"], "excluded": request["excluded_lawyers"]},
        )
    chosen = result.assignments[0]
    advocate = by_code[chosen.lawyer_id]
    declined = request["excluded_lawyers"]
    explanation = [chosen.explanation]
    if declined:
        explanation.append(f"left out as having declined: {', '.join(declined)}")
    duty = advocate_rosters.on_duty(request["territory"], moment) if request["urgent"] else None
    if duty is not None:
        explanation.append(f"urgent: chosen among the {len(duty)} advocates on duty in {request['territory']}")
    task_id, instance_id = call.task_id, call.instance_id
    _mark_declined(session, instance_id, declined)
    row = AdvocateAssignment(
        id=str(uuid.uuid4()), advocate_id=advocate.id, case_id=request["case_id"], assigned_on=day, assigned_at=moment,
        status=AssignmentStatus.ASSIGNED, territory=request["territory"], language=request["language"],
        juvenile=request["juvenile"], urgent=request["urgent"], instance_id=instance_id, task_id=task_id,
        solver_status=result.status.value, explanation=explanation,
    )
    session.add(row)
    audit.record(
        session, moment, "system", "defence_lawyer_assigned", instance_id=instance_id, task_id=task_id,
        data={"assignment_id": row.id, "case_id": request["case_id"], "advocate_id": advocate.code,
              "advocate_name": advocate.full_name, "request": request, "status": result.status.value,
              "explanation": explanation},
    )
    user = advocate.user_id and _username(session, advocate.user_id)
    return {
        "advocate_id": advocate.code,
        "advocate_record_id": advocate.id,
        "advocate_name": advocate.full_name,
        "advocate_username": user or None,
        "assignment_id": row.id,
        "assigned_on": day.isoformat(),
        "explanation": explanation,
        "status": result.status.value,
        "advocate_languages": list(advocate.languages),
        "interpreter_needed": interpreter_language is not None,
        "interpreter_language": interpreter_language,
        "max_rounds": max_rounds(),
        "from_duty_roster": duty is not None,
    }


def _speakers(problem: dict, request: dict) -> bool:
    """Whether an available advocate of the territory speaks the person's language (then a full
    calendar is no reason for an interpreter: the case waits for a person instead)."""
    return any(request["territory"] in lawyer["territories"] and request["language"] in lawyer["languages"]
               and lawyer["available"] for lawyer in problem["lawyers"])


def max_rounds() -> int:
    """Proposals a case makes before a person assigns by hand (`LIETA_LEGAL_AID_MAX_ROUNDS`)."""
    return int(current_app.config["LIETA_SETTINGS"].legal_aid_max_rounds)


def _solve(legal_aid, input_error, problem: dict):
    try:
        return legal_aid.solve(legal_aid.parse_problem(problem), time_limit=TIME_LIMIT_SECONDS)
    except input_error as err:
        raise InvalidInput(N_("the legal-aid input is invalid: %(problem)s"), params={"problem": str(err)}) from err


def _mark_declined(session, instance_id: str | None, declined_codes: list[str]) -> None:
    """Assignments of the calling case to advocates who then declined no longer count as their
    load. Only the calling instance's own rows: another case's are never touched from here."""
    if not declined_codes or instance_id is None:
        return
    rows = session.scalars(
        select(AdvocateAssignment).join(Advocate, Advocate.id == AdvocateAssignment.advocate_id).where(
            AdvocateAssignment.instance_id == instance_id, AdvocateAssignment.status == AssignmentStatus.ASSIGNED,
            Advocate.code.in_(declined_codes),
        )
    )
    for row in rows:
        row.status = AssignmentStatus.DECLINED


def _username(session, user_id: int) -> str | None:
    from engine.models import User

    user = session.get(User, user_id)
    return user.username if user else None
