"""The message catalogue: which processes may throw and catch each message, and its payload
schema (admin-only changes, audited; anyone signed in may read it)."""

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from webapp.api.blueprint import Blueprint
from webapp.auth import current_user
from webapp.engine_ext import get_engine

blp = Blueprint(
    "message_catalogue", __name__, url_prefix="/api/v1/message-catalogue",
    description="Who may throw and catch each message, and its payload schema",
)

PROCESS_IDS = fields.List(
    fields.String(validate=validate.Length(min=1, max=200)), required=True, validate=validate.Length(max=200),
    metadata={"description": "process ids; `@external` among the senders allows POST /api/v1/messages"},
)


class CatalogueEntryBodySchema(Schema):
    senders = PROCESS_IDS
    receivers = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)), required=True, validate=validate.Length(max=200),
    )
    payload_schema = fields.Dict(
        required=True, allow_none=True,
        metadata={"description": "a JSON Schema (2020-12) for the payload; `$ref` only inside it ('#...'); or null"},
    )


class CatalogueEntrySchema(Schema):
    name = fields.String()
    senders = fields.List(fields.String())
    receivers = fields.List(fields.String())
    payload_schema = fields.Dict(allow_none=True)
    version = fields.Integer()
    updated_at = fields.DateTime(format="iso")
    updated_by = fields.String()


@blp.route("")
class CatalogueView(MethodView):
    @blp.response(200, CatalogueEntrySchema(many=True))
    def get(self):
        """Every message of the catalogue, by name."""
        current_user()
        return get_engine().catalogue.list()


@blp.route("/<string:name>")
class CatalogueEntryView(MethodView):
    @blp.response(200, CatalogueEntrySchema)
    def get(self, name):
        """One message's entry; 404 when the catalogue does not hold it."""
        current_user()
        return get_engine().catalogue.get(name)

    @blp.arguments(CatalogueEntryBodySchema)
    @blp.response(201, CatalogueEntrySchema, description="the message was added to the catalogue")
    @blp.alt_response(200, schema=CatalogueEntrySchema, description="changed (version + 1) or unchanged")
    @blp.alt_response(403, description="only an admin may change the message catalogue")
    def put(self, body, name):
        """Declare a message, or change its senders, receivers or payload schema (admin)."""
        row, created = get_engine().catalogue.put(current_user(), name, body)
        return row, (201 if created else 200)
