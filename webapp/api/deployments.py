from flask import request
from flask.views import MethodView
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.services.approvals import status_of
from engine.services.element_counts import element_counts
from webapp.api.blueprint import Blueprint
from webapp.api.schemas import DefinitionSchema, DeploymentQuerySchema, DeploymentSchema
from webapp.auth import current_user
from webapp.engine_ext import get_engine
from webapp.i18n import request_language

blp = Blueprint("deployments", __name__, url_prefix="/api/v1", description="Deploying BPMN, DMN and forms")

ELEMENT_COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}

MULTIPART_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                    "required": ["files"],
                }
            }
        },
    }
}


@blp.route("/deployments")
class DeploymentsView(MethodView):
    @blp.doc(**MULTIPART_DOC)
    @blp.response(201, DeploymentSchema, description="at least one process got a new version")
    @blp.alt_response(200, schema=DeploymentSchema, description="nothing changed: every process kept its version")
    @blp.alt_response(422, description="the bundle was refused; `errors` lists {file, element, line, message}")
    @blp.arguments(DeploymentQuerySchema, location="query", as_kwargs=True)
    def post(self, dry_run=False):
        """Deploy a bundle of .bpmn, .dmn and .json form files (multipart field `files`).

        With `dry_run=1` the bundle gets the whole check and nothing is stored: 200 with the
        processes (and the version a deployment would give each) and the warnings, or 422."""
        user = current_user()
        uploads = request.files.getlist("files")
        if not uploads:
            raise InvalidInput(
                _("send the files as multipart/form-data in the field 'files'"),
                [{"field": "/files", "message": _("required")}],
            )
        files = [(upload.filename or "unnamed", upload.read()) for upload in uploads]
        if dry_run:
            checked = get_engine().deployments.dry_run(user, files)
            return {
                "processes": [p.__dict__ for p in checked.processes],
                "warnings": [w.as_dict() for w in checked.warnings],
            }, 200
        result = get_engine().deployments.deploy(user, files)
        body = {
            "id": result.id,
            "processes": [p.__dict__ for p in result.processes],
            "warnings": [w.as_dict() for w in result.warnings],
        }
        return body, (201 if result.created else 200)


@blp.route("/process-definitions")
class DefinitionsView(MethodView):
    @blp.response(200, DefinitionSchema(many=True))
    def get(self):
        """Every deployed version of every process, with its start form and whether the caller may start it."""
        user, engine = current_user(), get_engine()
        listed = []
        language = request_language()
        for row in engine.deployments.definitions():
            definition = engine.specs.get(engine.session(), row.id)
            form_file, ui_file = definition.start_form_files()
            listed.append({
                "process_id": row.process_id, "version": row.version, "name": row.name, "deployed_at": row.deployed_at,
                "start_form_schema": engine.classifiers.with_choices(definition.shown_form(form_file, language), language),
                "start_ui_schema": definition.shown_form(ui_file, language),
                "may_start": engine.instances.may_start(user, definition) and status_of(engine.session(), row.id) == "approved",
                "status": status_of(engine.session(), row.id),
            })
        return listed


@blp.route("/process-definitions/<string:process_id>/versions/<int:version>/element-counts")
class ElementCountsView(MethodView):
    @blp.response(200, description="element id → number of running instances waiting there")
    @blp.doc(responses={"200": {"content": {"application/json": {"schema": ELEMENT_COUNTS}}}})
    @blp.alt_response(403, description="the caller is neither a process analyst nor an admin")
    @blp.alt_response(404, description="no such process version")
    def get(self, process_id, version):
        """How many running instances of this version wait at each element: `{element_id: count}`."""
        return element_counts(get_engine(), current_user(), process_id, version)
