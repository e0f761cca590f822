from flask.views import MethodView
from marshmallow import Schema, fields, validate

from engine.errors import N_, PermissionDenied
from engine.services.incidents import BULK_ACTIONS, MAX_BULK, BulkOutcome
from webapp.api.blueprint import Blueprint
from webapp.api.errors import STATUS_BY_ERROR, translated
from webapp.auth import current_user
from webapp.engine_ext import get_engine

blp = Blueprint("incidents", __name__, url_prefix="/api/v1/incidents", description="Failed tasks (incidents)")


class IncidentDetailSchema(Schema):
    id = fields.String()
    instance_id = fields.String()
    task_id = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)
    operation = fields.String(allow_none=True)
    message = fields.String()
    status = fields.String()
    resolution = fields.String(allow_none=True)
    attempts = fields.Integer()
    max_attempts = fields.Integer()
    next_retry_at = fields.DateTime(format="iso", allow_none=True)
    created_at = fields.DateTime(format="iso")
    resolved_at = fields.DateTime(format="iso", allow_none=True)
    resolved_by = fields.String(allow_none=True)


class IncidentQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(["open", "resolved"]), load_default="open")
    process_instance_id = fields.String()


def _admin():
    user = current_user()
    if not user.is_admin:
        raise PermissionDenied(N_("only an admin may manage incidents"))
    return user


@blp.route("")
class IncidentsView(MethodView):
    @blp.arguments(IncidentQuerySchema, location="query")
    @blp.response(200, IncidentDetailSchema(many=True))
    def get(self, query):
        """Incidents, open ones by default (admin)."""
        _admin()
        return get_engine().incidents.list(query["status"], query.get("process_instance_id"))


@blp.route("/<string:incident_id>/retry")
class RetryView(MethodView):
    @blp.response(200, IncidentDetailSchema)
    @blp.alt_response(409, description="already resolved, or the task no longer waits for a retry")
    def post(self, incident_id):
        """Run the failed task again (admin). A retry that fails again keeps the incident open."""
        return get_engine().incidents.retry(_admin(), incident_id)


@blp.route("/<string:incident_id>/skip")
class SkipView(MethodView):
    @blp.response(200, IncidentDetailSchema)
    def post(self, incident_id):
        """Mark the failed task done without running it, and carry on (admin)."""
        return get_engine().incidents.skip(_admin(), incident_id)


class BulkRequestSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(BULK_ACTIONS))
    ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)), required=True,
                      validate=validate.Length(min=1, max=MAX_BULK))


class BulkItemSchema(Schema):
    id = fields.String()
    ok = fields.Boolean()
    status = fields.Integer(metadata={"description": "the HTTP status this incident alone would have answered"})
    message = fields.String(allow_none=True)
    incident = fields.Nested(IncidentDetailSchema, allow_none=True)


class BulkResultSchema(Schema):
    results = fields.List(fields.Nested(BulkItemSchema))


def outcome_dict(outcome: BulkOutcome) -> dict:
    """One item of a bulk answer: 200 with the incident, or the status and message its error has."""
    if outcome.error is None:
        return {"id": outcome.incident_id, "ok": True, "status": 200, "message": None, "incident": outcome.incident}
    err = outcome.error
    status = next((code for cls, code in STATUS_BY_ERROR if isinstance(err, cls)), 500)
    return {"id": outcome.incident_id, "ok": False, "status": status,
            "message": translated(err.template, err.params), "incident": None}


@blp.route("/bulk")
class BulkView(MethodView):
    @blp.arguments(BulkRequestSchema)
    @blp.response(200, BulkResultSchema)
    def post(self, body):
        """Retry or skip several incidents (admin), each on its own: the answer is 200 with one
        result per id, in order, each `ok` or with the status and message that incident alone
        would have got (404 unknown, 409 already resolved)."""
        outcomes = get_engine().incidents.bulk(_admin(), body["action"], body["ids"])
        return {"results": [outcome_dict(outcome) for outcome in outcomes]}
