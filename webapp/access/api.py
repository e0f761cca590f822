from flask.views import MethodView
from marshmallow import Schema, fields, validate

from engine.services.audit_log import KINDS
from webapp.api.blueprint import Blueprint
from webapp.auth import current_user
from webapp.engine_ext import get_engine

audit_bp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="The audit trail (admins)")
supervisors_bp = Blueprint(
    "supervisors", __name__, url_prefix="/api/v1/process-supervisors",
    description="Roles that read every case of a process (admins set them)",
)
grants_bp = Blueprint(
    "service_grants", __name__, url_prefix="/api/v1/service-grants",
    description="Processes a service account may reach (admins set them)",
)
BLUEPRINTS = (audit_bp, supervisors_bp, grants_bp)


class AuditQuerySchema(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    instance_id = fields.String(validate=validate.Length(min=1, max=36))
    user = fields.String(validate=validate.Length(min=1, max=80))
    event = fields.String(validate=validate.Length(min=1, max=40))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime(format="iso")
    actor = fields.String()
    event = fields.String()
    kind = fields.String()
    instance_id = fields.String(allow_none=True)
    task_id = fields.String(allow_none=True)
    data = fields.Raw(allow_none=True)


class SupervisorsSchema(Schema):
    process_id = fields.String(dump_only=True)
    roles = fields.List(fields.String(validate=validate.Length(min=1, max=60)), required=True)


class GrantsSchema(Schema):
    username = fields.String(dump_only=True)
    processes = fields.List(fields.String(validate=validate.Length(min=1, max=200)), required=True)


@audit_bp.route("")
class AuditView(MethodView):
    @audit_bp.arguments(AuditQuerySchema, location="query")
    @audit_bp.response(200, AuditEntrySchema(many=True))
    def get(self, query):
        """Audit rows, newest first: `kind=access` for reads of cases, `kind=change` for changes."""
        return get_engine().audit_log.search(current_user(), **query)


@supervisors_bp.route("")
class SupervisorsView(MethodView):
    @supervisors_bp.response(200, SupervisorsSchema(many=True))
    def get(self):
        supervisors = get_engine().supervision.supervisors(current_user())
        return [{"process_id": p, "roles": roles} for p, roles in supervisors.items()]


@supervisors_bp.route("/<string:process_id>")
class ProcessSupervisorsView(MethodView):
    @supervisors_bp.arguments(SupervisorsSchema)
    @supervisors_bp.response(200, SupervisorsSchema)
    def put(self, body, process_id):
        """Replace the roles that supervise a process (they read every case of it)."""
        roles = get_engine().supervision.set_supervisors(current_user(), process_id, body["roles"])
        return {"process_id": process_id, "roles": roles}


@grants_bp.route("")
class GrantsView(MethodView):
    @grants_bp.response(200, GrantsSchema(many=True))
    def get(self):
        grants = get_engine().supervision.grants(current_user())
        return [{"username": u, "processes": p} for u, p in grants.items()]


@grants_bp.route("/<string:username>")
class AccountGrantsView(MethodView):
    @grants_bp.arguments(GrantsSchema)
    @grants_bp.response(200, GrantsSchema)
    def put(self, body, username):
        """Replace the processes a service account may reach."""
        processes = get_engine().supervision.set_grants(current_user(), username, body["processes"])
        return {"username": username, "processes": processes}
