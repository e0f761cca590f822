"""HTTP API of the resources: advocates, prosecutors, rosters and duty slots, calendar links,
hearing proposals; and the token-secured iCalendar feed (no bearer token)."""

from __future__ import annotations

from flask import Blueprint as FlaskBlueprint
from flask import Response, current_app, url_for
from flask.views import MethodView
from marshmallow import INCLUDE, Schema, fields, validate

from engine.errors import N_
from webapp.api.blueprint import Blueprint
from webapp.auth import current_user
from webapp.resources import advocates, calendar_feed, hearings, prosecutors, rosters

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", error="letters, digits, '.', '_' or '-' (at most 64)")
# The months a roster can be for: parse_month takes the years 2000-2999 (a later year's end is no date).
MONTH = validate.Regexp(r"^2[0-9]{3}-(0[1-9]|1[0-2])$", error="expected YYYY-MM, a month of the years 2000-2999")
LANGUAGE = validate.Regexp(r"^[a-z]{2}$", error="a two-letter ISO 639-1 code such as lv")


class LeaveCreateSchema(Schema):
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=200))


class LeaveSchema(LeaveCreateSchema):
    id = fields.Integer()


class AdvocateUpdateSchema(Schema):
    full_name = fields.String(validate=validate.Length(min=1, max=200))
    user = fields.String(allow_none=True, validate=validate.Length(max=80))
    territories = fields.List(fields.String(), validate=validate.Length(min=1))
    languages = fields.List(fields.String(validate=LANGUAGE), validate=validate.Length(min=1))
    juvenile = fields.Boolean()
    daily_capacity = fields.Integer(validate=validate.Range(min=0, max=50))
    office_location = fields.List(fields.Float(allow_nan=False), validate=validate.Length(equal=2))
    active = fields.Boolean()


class AdvocateCreateSchema(AdvocateUpdateSchema):
    code = fields.String(required=True, validate=CODE)
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    territories = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class AdvocateSchema(AdvocateCreateSchema):
    id = fields.Integer()
    leaves = fields.List(fields.Nested(LeaveSchema))
    load_30d = fields.Integer(allow_none=True)


class AdvocateQuerySchema(Schema):
    territory = fields.String()
    language = fields.String()
    active = fields.Boolean()


class PeriodQuerySchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()


class AssignmentSchema(Schema):
    id = fields.String()
    advocate_id = fields.Integer()
    advocate_code = fields.String()
    case_id = fields.String()
    assigned_on = fields.Date()
    assigned_at = fields.DateTime(format="iso")
    status = fields.String()
    territory = fields.String()
    language = fields.String()
    juvenile = fields.Boolean()
    urgent = fields.Boolean()
    process_instance_id = fields.String(allow_none=True)
    solver_status = fields.String()
    explanation = fields.List(fields.String())


class ProsecutorUpdateSchema(Schema):
    full_name = fields.String(validate=validate.Length(min=1, max=200))
    user = fields.String(allow_none=True, validate=validate.Length(max=80))
    regions = fields.List(fields.String(), validate=validate.Length(min=1))
    active = fields.Boolean()


class ProsecutorCreateSchema(ProsecutorUpdateSchema):
    code = fields.String(required=True, validate=CODE)
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    regions = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class ProsecutorSchema(ProsecutorCreateSchema):
    id = fields.Integer()
    leaves = fields.List(fields.Nested(LeaveSchema))


class ProsecutorQuerySchema(Schema):
    region = fields.String()
    active = fields.Boolean()


class DutySlotSchema(Schema):
    id = fields.Integer()
    roster_id = fields.Integer()
    date = fields.Date()
    region = fields.String()
    shift = fields.String()
    starts_at = fields.DateTime(format="iso")
    ends_at = fields.DateTime(format="iso")
    prosecutor_id = fields.Integer()
    prosecutor_code = fields.String()
    prosecutor_name = fields.String()


class RosterSchema(Schema):
    id = fields.Integer()
    month = fields.String()
    version = fields.Integer()
    status = fields.String()
    created_at = fields.DateTime(format="iso")
    created_by = fields.String()
    approved_at = fields.DateTime(format="iso", allow_none=True)
    approved_by = fields.String(allow_none=True)
    solver_status = fields.String()
    objective = fields.Dict(allow_none=True)
    solve_seconds = fields.Float()
    settings = fields.Dict()
    unfilled = fields.List(fields.Dict())
    duties = fields.Integer()
    slots = fields.List(fields.Nested(DutySlotSchema))


class RosterQuerySchema(Schema):
    month = fields.String(validate=MONTH)


class RosterSolveSchema(Schema):
    month = fields.String(required=True, validate=MONTH)
    regions = fields.List(fields.String(), validate=validate.Length(min=1))
    time_limit = fields.Float(load_default=20.0, validate=validate.Range(min=0.1, max=60))


class DutySlotQuerySchema(PeriodQuerySchema):
    prosecutor = fields.String(validate=validate.Regexp(r"^(me|[0-9]{1,18})$", error="`me` or a prosecutor id"))


class CalendarLinkSchema(Schema):
    url = fields.String()
    token = fields.String()


class HearingProposalRequestSchema(Schema):
    """A hearings problem in the solver's format (docs/solvers.md, section 3), plus these."""

    class Meta:
        unknown = INCLUDE

    # Sizes are bounded here, before the solver sees them: a request enumerates days x slots x rooms.
    start = fields.String(required=True, validate=validate.Length(min=10, max=10))
    days = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=366))
    slot_minutes = fields.Integer(strict=True, validate=validate.Range(min=5, max=1440))
    rooms = fields.List(fields.Dict(), required=True, validate=validate.Length(max=50))
    participants = fields.List(fields.Dict(), required=True, validate=validate.Length(max=200))
    convoys = fields.List(fields.Dict(), validate=validate.Length(max=20))
    hearings = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=200))
    hearing_id = fields.Raw()
    schedule = fields.List(fields.Dict(), load_default=list, validate=validate.Length(max=500))
    count = fields.Integer(load_default=3, strict=True, validate=validate.Range(min=1, max=20))
    time_limit = fields.Float(load_default=10.0, validate=validate.Range(min=0.1, max=60),
                              metadata={"description": "seconds the search may take (at most LIETA_SOLVER_MAX_SECONDS)"})


class HearingProposalsSchema(Schema):
    hearing_id = fields.String()
    proposals = fields.List(fields.Dict())


advocates_blp = Blueprint("advocates", __name__, url_prefix="/api/v1/advocates",
                          description="Advocates on the legal-aid list")
prosecutors_blp = Blueprint("prosecutors", __name__, url_prefix="/api/v1/prosecutors",
                            description="Prosecutors who take duty shifts")
rosters_blp = Blueprint("rosters", __name__, url_prefix="/api/v1", description="Duty rosters and duty slots")
calendar_blp = Blueprint("calendar_token", __name__, url_prefix="/api/v1/calendar-token",
                         description="The private calendar link of the signed-in user")
hearings_blp = Blueprint("hearing_proposals", __name__, url_prefix="/api/v1/hearing-proposals",
                         description="Best slots for a hearing")
feed_bp = FlaskBlueprint("calendar_feed", __name__)


@advocates_blp.route("")
class AdvocatesView(MethodView):
    @advocates_blp.arguments(AdvocateQuerySchema, location="query")
    @advocates_blp.response(200, AdvocateSchema(many=True))
    def get(self, query):
        """Advocates with their current 30-day load (admin, legal_aid_officer)."""
        return advocates.list_advocates(current_user(), **query)

    @advocates_blp.arguments(AdvocateCreateSchema)
    @advocates_blp.response(201, AdvocateSchema)
    def post(self, body):
        """Add an advocate (admin, legal_aid_officer)."""
        return advocates.create_advocate(current_user(), body)


@advocates_blp.route("/<int:advocate_id>")
class AdvocateView(MethodView):
    @advocates_blp.response(200, AdvocateSchema)
    def get(self, advocate_id):
        """One advocate (admin, legal_aid_officer, or the advocate's own user)."""
        return advocates.get_advocate(current_user(), advocate_id)

    @advocates_blp.arguments(AdvocateUpdateSchema)
    @advocates_blp.response(200, AdvocateSchema)
    def patch(self, body, advocate_id):
        """Change an advocate's profile (admin, legal_aid_officer)."""
        return advocates.update_advocate(current_user(), advocate_id, body)


@advocates_blp.route("/<int:advocate_id>/leaves")
class AdvocateLeavesView(MethodView):
    @advocates_blp.arguments(LeaveCreateSchema)
    @advocates_blp.response(201, LeaveSchema)
    def post(self, body, advocate_id):
        """Record days off (inclusive) on which the advocate takes no assignments."""
        return advocates.add_leave(current_user(), advocate_id, body["start_date"], body["end_date"], body["reason"])


@advocates_blp.route("/<int:advocate_id>/leaves/<int:leave_id>")
class AdvocateLeaveView(MethodView):
    @advocates_blp.response(204)
    def delete(self, advocate_id, leave_id):
        """Remove a leave entry."""
        advocates.delete_leave(current_user(), advocate_id, leave_id)


@advocates_blp.route("/<int:advocate_id>/assignments")
class AdvocateAssignmentsView(MethodView):
    @advocates_blp.arguments(PeriodQuerySchema, location="query")
    @advocates_blp.response(200, AssignmentSchema(many=True))
    def get(self, query, advocate_id):
        """Assignments made to the advocate, with the solver's explanation."""
        return advocates.assignments(current_user(), advocate_id, query.get("from_"), query.get("to"))


@prosecutors_blp.route("")
class ProsecutorsView(MethodView):
    @prosecutors_blp.arguments(ProsecutorQuerySchema, location="query")
    @prosecutors_blp.response(200, ProsecutorSchema(many=True))
    def get(self, query):
        """Prosecutors (admin, prosecutor, duty_prosecutor)."""
        return prosecutors.list_prosecutors(current_user(), **query)

    @prosecutors_blp.arguments(ProsecutorCreateSchema)
    @prosecutors_blp.response(201, ProsecutorSchema)
    def post(self, body):
        """Add a prosecutor (admin)."""
        return prosecutors.create_prosecutor(current_user(), body)


@prosecutors_blp.route("/<int:prosecutor_id>")
class ProsecutorView(MethodView):
    @prosecutors_blp.response(200, ProsecutorSchema)
    def get(self, prosecutor_id):
        return prosecutors.get_prosecutor(current_user(), prosecutor_id)

    @prosecutors_blp.arguments(ProsecutorUpdateSchema)
    @prosecutors_blp.response(200, ProsecutorSchema)
    def patch(self, body, prosecutor_id):
        """Change a prosecutor (admin)."""
        return prosecutors.update_prosecutor(current_user(), prosecutor_id, body)


@prosecutors_blp.route("/<int:prosecutor_id>/leaves")
class ProsecutorLeavesView(MethodView):
    @prosecutors_blp.arguments(LeaveCreateSchema)
    @prosecutors_blp.response(201, LeaveSchema)
    def post(self, body, prosecutor_id):
        """Record leave (admin); the next roster solved keeps the prosecutor off those dates."""
        return prosecutors.add_leave(current_user(), prosecutor_id, body["start_date"], body["end_date"], body["reason"])


@prosecutors_blp.route("/<int:prosecutor_id>/leaves/<int:leave_id>")
class ProsecutorLeaveView(MethodView):
    @prosecutors_blp.response(204)
    def delete(self, prosecutor_id, leave_id):
        prosecutors.delete_leave(current_user(), prosecutor_id, leave_id)


@rosters_blp.route("/rosters")
class RostersView(MethodView):
    @rosters_blp.arguments(RosterQuerySchema, location="query")
    @rosters_blp.response(200, RosterSchema(many=True))
    def get(self, query):
        """Roster versions, of one month with `?month=YYYY-MM` (admin, prosecutor, duty_prosecutor)."""
        return [rosters.roster_dict(r) for r in rosters.list_rosters(current_user(), query.get("month"))]

    @rosters_blp.arguments(RosterSolveSchema)
    @rosters_blp.response(201, RosterSchema)
    def post(self, body):
        """Solve a month into a new draft version (admin; waits for the solver, up to `time_limit` s)."""
        from webapp.resources.common import require_role

        actor = current_user()
        require_role(actor, action=N_("solve rosters"))
        # The request holds a worker while the solver runs: never longer than the configured bound.
        limit = min(body["time_limit"], current_app.config["LIETA_SETTINGS"].solver_max_seconds)
        row = rosters.solve_month(actor.username, body["month"], regions=body.get("regions"), time_limit=limit)
        return rosters.roster_dict(row)


@rosters_blp.route("/rosters/<int:roster_id>")
class RosterView(MethodView):
    @rosters_blp.response(200, RosterSchema)
    def get(self, roster_id):
        """One roster version with its duty slots."""
        return rosters.roster_dict(rosters.get_roster(current_user(), roster_id), with_slots=True)


@rosters_blp.route("/rosters/<int:roster_id>/approve")
class RosterApproveView(MethodView):
    @rosters_blp.response(200, RosterSchema)
    @rosters_blp.alt_response(409, description="not a draft, or slots left unfilled")
    def post(self, roster_id):
        """Make a draft the month's current roster; the previous approved version is superseded (admin)."""
        return rosters.roster_dict(rosters.approve(current_user(), roster_id))


@rosters_blp.route("/duty-slots")
class DutySlotsView(MethodView):
    @rosters_blp.arguments(DutySlotQuerySchema, location="query")
    @rosters_blp.response(200, DutySlotSchema(many=True))
    @rosters_blp.alt_response(404, description="`prosecutor=me`, but the caller is no prosecutor")
    def get(self, query):
        """Approved duty slots: `prosecutor=me` (own), an id or none (admin, prosecutor, duty_prosecutor)."""
        slots = rosters.duty_slots(current_user(), query.get("prosecutor"), query.get("from_"), query.get("to"))
        return [rosters.slot_dict(s) for s in slots]


@calendar_blp.route("")
class CalendarTokenView(MethodView):
    @calendar_blp.response(201, CalendarLinkSchema)
    def post(self):
        """A new secret calendar link (iCalendar, for Outlook or Google Calendar); the previous one stops working."""
        token = calendar_feed.issue(current_user())
        return {"url": url_for("calendar_feed.feed", token=token, _external=True), "token": token}

    @calendar_blp.response(204)
    @calendar_blp.alt_response(404, description="there is no calendar link to revoke")
    def delete(self):
        """Revoke the calendar link."""
        calendar_feed.revoke(current_user())


@hearings_blp.route("")
class HearingProposalsView(MethodView):
    @hearings_blp.arguments(HearingProposalRequestSchema)
    @hearings_blp.response(200, HearingProposalsSchema)
    def post(self, body):
        """The best few slots for one hearing (court_clerk, judge, admin). The body is a hearings problem as in
        docs/solvers.md plus `hearing_id`, `schedule` (hearings already placed) and `count`."""
        limit = min(body.pop("time_limit"), current_app.config["LIETA_SETTINGS"].solver_max_seconds)
        return hearings.propose(current_user(), body, time_limit=limit)


@feed_bp.get("/calendar/<string:token>.ics")
def feed(token):
    body = calendar_feed.feed(token)  # bytes: the library wrote the CRLF lines
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="lieta-duties.ics"', "Cache-Control": "private, max-age=300",
    })


BLUEPRINTS = (advocates_blp, prosecutors_blp, rosters_blp, calendar_blp, hearings_blp)
