from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.errors import N_, PermissionDenied
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
