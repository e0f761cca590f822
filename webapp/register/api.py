"""The property register's HTTP API: a case's items with their custody chains, and a search
across the cases the caller takes part in. A case the caller takes part in not is 404, and so is
an item of it (need-to-know, engine.services.property_register)."""

from __future__ import annotations

from flask.views import MethodView

from webapp.api.blueprint import Blueprint
from webapp.api.presenters import reader
from webapp.auth import current_user
from webapp.engine_ext import get_engine
from webapp.register.presenters import item_dict, view_dict
from webapp.register.schemas import (
    ItemAcknowledgeSchema,
    ItemMoveSchema,
    ItemReturnSchema,
    ItemSearchQuerySchema,
    RegisterItemCreateSchema,
    RegisterItemSchema,
    RegisterItemWithChainSchema,
)

cases_blp = Blueprint("items", __name__, url_prefix="/api/v1/cases", description="Property and document register")
search_blp = Blueprint("item_search", __name__, url_prefix="/api/v1/items", description="Property register search")


def _register():
    return get_engine().property_register


@cases_blp.route("/<string:instance_id>/items")
class CaseItemsView(MethodView):
    @cases_blp.response(200, RegisterItemSchema(many=True))
    def get(self, instance_id):
        """The case's items (and those registered under its case number elsewhere), oldest first."""
        return [item_dict(item) for item in _register().items(current_user(), instance_id, **reader())]

    @cases_blp.arguments(RegisterItemCreateSchema)
    @cases_blp.response(201, RegisterItemWithChainSchema)
    def post(self, body, instance_id):
        """Register an item; the registering person (their unit, else institution) holds it."""
        return view_dict(_register().register(current_user(), instance_id, body))


@cases_blp.route("/<string:instance_id>/items/<int:item_id>")
class CaseItemView(MethodView):
    @cases_blp.response(200, RegisterItemWithChainSchema)
    def get(self, instance_id, item_id):
        """One item with its full custody chain and the acknowledgements."""
        return view_dict(_register().item(current_user(), instance_id, item_id, **reader()))


@cases_blp.route("/<string:instance_id>/items/<int:item_id>/move")
class MoveView(MethodView):
    @cases_blp.arguments(ItemMoveSchema)
    @cases_blp.response(200, RegisterItemWithChainSchema)
    def post(self, body, instance_id, item_id):
        """Hand the item to another holder (403 when the caller does not hold it)."""
        return view_dict(_register().move(current_user(), instance_id, item_id, body["to"],
                                          place=body.get("storage_place"), status=body.get("status"),
                                          note=body["note"]))


@cases_blp.route("/<string:instance_id>/items/<int:item_id>/acknowledge")
class AcknowledgeView(MethodView):
    @cases_blp.arguments(ItemAcknowledgeSchema)
    @cases_blp.response(200, RegisterItemWithChainSchema)
    def post(self, body, instance_id, item_id):
        """The receiver confirms the latest transfer (409 when none waits for them)."""
        return view_dict(_register().acknowledge(current_user(), instance_id, item_id, body["note"]))


@cases_blp.route("/<string:instance_id>/items/<int:item_id>/return")
class ReturnView(MethodView):
    @cases_blp.arguments(ItemReturnSchema)
    @cases_blp.response(200, RegisterItemWithChainSchema)
    def post(self, body, instance_id, item_id):
        """Return the item to its owner, with the owner's acknowledgement; the chain closes."""
        return view_dict(_register().return_to_owner(current_user(), instance_id, item_id, body["owner_name"],
                                                     body["owner_acknowledged"], body["note"]))


@search_blp.route("")
class SearchView(MethodView):
    @search_blp.arguments(ItemSearchQuerySchema, location="query")
    @search_blp.response(200, RegisterItemSchema(many=True))
    def get(self, query):
        """Items of the cases the caller takes part in, matching `q` (identifier, case number,
        description, owner, storage place); newest first."""
        return [item_dict(item) for item in _register().search(current_user(), query["q"], query["limit"])]
