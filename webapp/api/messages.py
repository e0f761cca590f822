from flask.views import MethodView
from marshmallow import Schema, fields, validate

from engine.errors import N_, PermissionDenied
from webapp.api.blueprint import Blueprint
from webapp.auth import current_user
from webapp.engine_ext import get_engine

blp = Blueprint("messages", __name__, url_prefix="/api/v1/messages", description="Messages between institutions")


class MessagePostSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    correlation = fields.Dict(keys=fields.String(), required=True)
    payload = fields.Raw(allow_none=True, load_default=None)
    message_id = fields.String(required=True, validate=validate.Length(min=1, max=200))


class MessageResultSchema(Schema):
    status = fields.String()
    delivered_to = fields.List(fields.String())


class MessageSchema(Schema):
    message_id = fields.String()
    name = fields.String()
    correlation = fields.Dict()
    payload = fields.Raw(allow_none=True)
    status = fields.String()
    delivered_to = fields.List(fields.String())
    source_instance_id = fields.String(allow_none=True)
    created_at = fields.DateTime(format="iso")
    expires_at = fields.DateTime(format="iso")
    delivered_at = fields.DateTime(format="iso", allow_none=True)
    envelope = fields.Dict(allow_none=True)


class MessageQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(["pending", "buffered", "delivered", "expired", "refused"]))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))


@blp.route("")
class MessagesView(MethodView):
    @blp.arguments(MessagePostSchema)
    @blp.response(200, MessageResultSchema)
    @blp.alt_response(409, description="the message_id was already used for a different message")
    @blp.alt_response(403, description="not an admin or service account, or the catalogue does not list `@external` among the message's senders")
    @blp.alt_response(422, description="the message is not in the catalogue, or its payload does not match the schema")
    def post(self, body):
        """Deliver a message to the waiting instance(s) it correlates with, start one by message,
        or keep it until a matching wait appears (admin or service account)."""
        result = get_engine().messages.post(
            current_user(), body["name"], body["correlation"], body["payload"], body["message_id"]
        )
        return {"status": result.status, "delivered_to": result.delivered_to}

    @blp.arguments(MessageQuerySchema, location="query")
    @blp.response(200, MessageSchema(many=True))
    def get(self, query):
        """Recent messages; `status=expired` lists those that never found their case (admin)."""
        if not current_user().is_admin:
            raise PermissionDenied(N_("only an admin may list messages"))
        return get_engine().messages.unmatched(query.get("status"), query["limit"])
