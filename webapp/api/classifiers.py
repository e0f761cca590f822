"""Shared classifiers: public lists readable without sign-in, changes by admins only, audited."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields

from engine.classifier_data import parse_classifier
from engine.day_input import parse_day
from engine.deadlines import riga_today
from engine.services.classifiers import Listing
from webapp.api.blueprint import Blueprint
from webapp.auth import current_user, require_admin
from webapp.engine_ext import get_engine

blp = Blueprint("classifiers", __name__, url_prefix="/api/v1/classifiers",
                description="Shared classifiers (code lists); public lists need no sign-in")


class EntrySchema(Schema):
    code = fields.String(required=True)
    name_lv = fields.String(required=True)
    name_en = fields.String(required=True)
    valid_from = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD, inclusive; null: always"})
    valid_to = fields.String(allow_none=True, metadata={"description": "YYYY-MM-DD, exclusive; null: open"})


class ClassifierSummarySchema(Schema):
    name = fields.String()
    title_lv = fields.String()
    title_en = fields.String()
    source = fields.String()
    verified = fields.Boolean(metadata={"description": "false: not yet checked against its source"})
    public = fields.Boolean()
    read_only = fields.Boolean(metadata={"description": "true: institutions and units, from the role data"})
    version = fields.Integer(allow_none=True)


class ClassifierSchema(ClassifierSummarySchema):
    at = fields.String(allow_none=True, metadata={"description": "the entries are those valid on this date"})
    entries = fields.List(fields.Nested(EntrySchema))


class ClassifierQuerySchema(Schema):
    at = fields.String(metadata={"description": "only the entries valid on this date (YYYY-MM-DD)"})
    version = fields.Integer(metadata={"description": "a past version (default: the current one)"})


class ClassifierBodySchema(Schema):
    title_lv = fields.String(required=True)
    title_en = fields.String(required=True)
    source = fields.String(required=True, metadata={"description": "where the list comes from"})
    verified = fields.Boolean(load_default=False)
    public = fields.Boolean(load_default=True)
    entries = fields.List(fields.Dict(), required=True)


class VersionSchema(Schema):
    version = fields.Integer()
    created_at = fields.DateTime()
    created_by = fields.String()


def summary(listing: Listing) -> dict:
    return {"name": listing.name, "title_lv": listing.title_lv, "title_en": listing.title_en,
            "source": listing.source, "verified": listing.verified, "public": listing.public,
            "read_only": listing.read_only, "version": listing.version}


def _signed_in() -> bool:
    return bool(request.headers.get("Authorization"))


@blp.route("")
class ClassifiersView(MethodView):
    @blp.response(200, ClassifierSummarySchema(many=True))
    def get(self):
        """Every classifier; without sign-in only the public ones."""
        listings = get_engine().classifiers.listings()
        if _signed_in():
            current_user()  # a token that is sent must be valid (401 otherwise)
        else:
            listings = [listing for listing in listings if listing.public]
        return [summary(listing) for listing in listings]


@blp.route("/<string:name>")
class ClassifierView(MethodView):
    @blp.arguments(ClassifierQuerySchema, location="query")
    @blp.response(200, ClassifierSchema)
    @blp.alt_response(401, description="the list is not public: sign in")
    @blp.alt_response(404, description="no such classifier or version")
    @blp.alt_response(422, description="a malformed date")
    def get(self, query, name):
        """The entries of a classifier, as of a date (`at`) and/or in a past version."""
        classifiers = get_engine().classifiers
        if not classifiers.describe(name).public or _signed_in():
            current_user()
        listing = classifiers.listing(name, query.get("version"))
        day = parse_day(query["at"], riga_today(get_engine().clock.now())) if "at" in query else None
        entries = listing.entries if day is None else listing.on(day)
        return summary(listing) | {"at": day.isoformat() if day else None,
                                   "entries": [entry.as_dict() for entry in entries]}

    @blp.arguments(ClassifierBodySchema)
    @blp.response(200, ClassifierSummarySchema)
    @blp.alt_response(201, schema=ClassifierSummarySchema, description="a new classifier")
    @blp.alt_response(403, description="not an administrator")
    @blp.alt_response(409, description="institutions and units are changed in the directory")
    @blp.alt_response(422, description="the list has problems (each one named)")
    def put(self, body, name):
        """Publishes the list as the classifier's next version (200 unchanged when identical)."""
        actor = require_admin()
        classifiers = get_engine().classifiers
        existed = name in classifiers.names()
        listing, _added = classifiers.publish(parse_classifier(body, name=name), actor=actor.username)
        return summary(listing), 200 if existed else 201


@blp.route("/<string:name>/versions")
class ClassifierVersionsView(MethodView):
    @blp.response(200, VersionSchema(many=True))
    @blp.alt_response(404, description="no such classifier")
    def get(self, name):
        """The versions of a classifier: when and by whom each was published."""
        current_user()
        return [{"version": v.version, "created_at": v.created_at, "created_by": v.created_by}
                for v in get_engine().classifiers.versions(name)]
