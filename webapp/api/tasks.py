from flask.views import MethodView
from flask_babel import get_locale

from webapp.api.blueprint import Blueprint
from webapp.api.presenters import reader, task_dict
from webapp.api.schemas import TaskAssignSchema, TaskCompleteSchema, TaskQuerySchema, TaskSchema
from webapp.auth import current_user
from webapp.engine_ext import get_engine

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Human tasks (the inbox)")


@blp.route("")
class TasksView(MethodView):
    @blp.arguments(TaskQuerySchema, location="query")
    @blp.response(200, TaskSchema(many=True))
    def get(self, query):
        """Tasks the caller may see, filtered by instance, state or `assignee=me`."""
        tasks = get_engine().tasks.inbox(
            current_user(), instance_id=query.get("process_instance_id"), state=query.get("state"),
            assignee=query.get("assignee"), limit=query["limit"], offset=query["offset"],
        )
        return [task_dict(t) for t in tasks]


@blp.route("/<string:task_id>")
class TaskView(MethodView):
    @blp.response(200, TaskSchema)
    def get(self, task_id):
        """One task with its instructions filled in and the case data it shows."""
        engine, actor = get_engine(), current_user()
        task, data, rendered = engine.tasks.detail(actor, task_id, str(get_locale()))
        engine.access.log_read(actor, task.instance_id, **reader())
        return {**task_dict(task), "data": data, "instructions": rendered.text, "instructions_error": rendered.error}


@blp.route("/<string:task_id>/claim")
class ClaimView(MethodView):
    @blp.response(200, TaskSchema)
    @blp.alt_response(409, description="claimed by someone else, or no longer ready")
    def post(self, task_id):
        return task_dict(get_engine().tasks.claim(current_user(), task_id))


@blp.route("/<string:task_id>/unclaim")
class UnclaimView(MethodView):
    @blp.response(200, TaskSchema)
    def post(self, task_id):
        return task_dict(get_engine().tasks.unclaim(current_user(), task_id))


@blp.route("/<string:task_id>/assign")
class AssignView(MethodView):
    @blp.arguments(TaskAssignSchema)
    @blp.response(200, TaskSchema)
    def post(self, body, task_id):
        return task_dict(get_engine().tasks.assign(current_user(), task_id, body["username"]))


@blp.route("/<string:task_id>/complete")
class CompleteView(MethodView):
    @blp.arguments(TaskCompleteSchema)
    @blp.response(200, TaskSchema)
    @blp.alt_response(409, description="not ready, already done, or changed concurrently")
    @blp.alt_response(422, description="the data does not match the form; `errors` lists each field")
    @blp.alt_response(403, description="you lack the lane's role, or someone else holds the task")
    def post(self, body, task_id):
        return task_dict(get_engine().tasks.complete(current_user(), task_id, body["data"]))
