"""Hearing slot proposals: the best few slots for one hearing request (solvers.hearings)."""

from __future__ import annotations

from engine.errors import N_, InvalidInput, field_error
from engine.models import User
from webapp.resources.common import require_role

ROLES = ("court_clerk", "judge")


def propose(actor: User, body: dict, time_limit: float | None = None) -> dict:
    """`body` is a hearings problem (docs/solvers.md) plus `hearing_id` (defaults to the only or
    first hearing), `schedule` (hearings already placed, as in a result) and `count`; the search
    gives up after `time_limit` seconds (422 on `/time_limit`)."""
    require_role(actor, *ROLES, action=N_("ask for hearing slots"))
    from solvers import SolverInputError, hearings  # CP-SAT loads slowly: only when first needed

    body = dict(body)
    count = body.pop("count", 3)
    schedule = body.pop("schedule", [])
    hearing_id = body.pop("hearing_id", None)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 20:
        raise InvalidInput(N_("count must be a whole number from 1 to 20"), [{"field": "/count", "message": "1..20"}])
    if not isinstance(schedule, list):
        raise InvalidInput(N_("schedule must be a list of placed hearings"), [field_error("/schedule", N_("not a list"))])
    try:
        problem = hearings.parse_problem(body)
        if hearing_id is None:
            if not problem.hearings:
                raise SolverInputError("hearings", "name at least one hearing")
            placed = {entry.get("hearing_id") for entry in schedule if isinstance(entry, dict)}
            hearing_id = next((h.id for h in problem.hearings if h.id not in placed), problem.hearings[0].id)
        proposals = hearings.propose_slots(problem, str(hearing_id), schedule, count=count, time_limit=time_limit)
    except SolverInputError as err:
        field = "/" + err.field.replace(".", "/").replace("[", "/").replace("]", "") if err.field else "/"
        raise InvalidInput(N_("the hearing request is invalid: %(problem)s"), [{"field": field, "message": err.message}],
                           params={"problem": str(err)}) from err
    return {"hearing_id": str(hearing_id), "proposals": proposals}
