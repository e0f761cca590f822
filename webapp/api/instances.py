from flask.views import MethodView

from engine.services.instances import CaseView
from webapp.api.blueprint import Blueprint
from webapp.api.presenters import instance_dict, reader
from webapp.api.schemas import (
    HistoryEntrySchema,
    InstanceCreatedSchema,
    InstanceCreateSchema,
    InstanceListQuerySchema,
    InstanceSchema,
    InstanceSummarySchema,
    TerminateSchema,
)
from webapp.auth import current_user
from webapp.engine_ext import get_engine

blp = Blueprint("instances", __name__, url_prefix="/api/v1/process-instances", description="Process instances")


@blp.route("")
class InstancesView(MethodView):
    @blp.arguments(InstanceListQuerySchema, location="query")
    @blp.response(200, InstanceSummarySchema(many=True))
    def get(self, query):
        """The cases the caller takes part in, newest first."""
        return get_engine().instances.list(
            current_user(), process_id=query.get("process_id"), status=query.get("status"),
            business_key=query.get("business_key"), limit=query["limit"], offset=query["offset"],
        )

    @blp.arguments(InstanceCreateSchema)
    @blp.response(201, InstanceCreatedSchema)
    @blp.alt_response(404, description="unknown process or version")
    def post(self, body):
        """Start an instance of the latest (or a given) version of a process."""
        instance = get_engine().instances.start(
            current_user(), body["process_id"], body.get("version"), body.get("data"), body.get("business_key"),
        )
        return {"id": instance.id, "status": instance.status, "process_id": instance.process_id, "version": instance.process_version}


@blp.route("/<string:instance_id>")
class InstanceView(MethodView):
    @blp.response(200, InstanceSchema)
    def get(self, instance_id):
        """One instance with its data, ready tasks and open incidents."""
        return instance_dict(get_engine().instances.read(current_user(), instance_id, **reader()))


@blp.route("/<string:instance_id>/history")
class HistoryView(MethodView):
    @blp.response(200, HistoryEntrySchema(many=True))
    def get(self, instance_id):
        """The audit trail of one instance, oldest first."""
        return get_engine().instances.history(current_user(), instance_id, **reader())


@blp.route("/<string:instance_id>/terminate")
class TerminateView(MethodView):
    @blp.arguments(TerminateSchema)
    @blp.response(200, InstanceSchema)
    def post(self, body, instance_id):
        """Stop an instance for good (admin), with the reason recorded."""
        engine = get_engine()
        instance = engine.instances.terminate(current_user(), instance_id, body["reason"])
        return instance_dict(CaseView(instance, None))
