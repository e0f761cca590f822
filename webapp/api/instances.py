from flask.views import MethodView
from flask_smorest import Blueprint

from webapp.api.presenters import instance_dict
from webapp.api.schemas import (
    HistoryEntrySchema,
    InstanceCreatedSchema,
    InstanceCreateSchema,
    InstanceSchema,
    TerminateSchema,
)
from webapp.auth import current_user
from webapp.engine_ext import get_engine

blp = Blueprint("instances", __name__, url_prefix="/api/v1/process-instances", description="Process instances")


@blp.route("")
class InstancesView(MethodView):
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
        return instance_dict(get_engine().instances.get(current_user(), instance_id))


@blp.route("/<string:instance_id>/history")
class HistoryView(MethodView):
    @blp.response(200, HistoryEntrySchema(many=True))
    def get(self, instance_id):
        """The audit trail of one instance, oldest first."""
        return get_engine().instances.history(current_user(), instance_id)


@blp.route("/<string:instance_id>/terminate")
class TerminateView(MethodView):
    @blp.arguments(TerminateSchema)
    @blp.response(200, InstanceSchema)
    def post(self, body, instance_id):
        """Stop an instance for good (admin), with the reason recorded."""
        return instance_dict(get_engine().instances.terminate(current_user(), instance_id, body["reason"]))
