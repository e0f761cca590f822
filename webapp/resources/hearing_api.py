"""HTTP API of scheduled hearings: record one for a case, list those of the caller's cases."""

from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from webapp.api.blueprint import Blueprint
from webapp.auth import current_user
from webapp.resources import scheduled_hearings

hearings_blp = Blueprint("hearings", __name__, url_prefix="/api/v1/hearings",
                         description="Scheduled court hearings of the caller's cases")


class HearingCreateSchema(Schema):
    instance_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    court = fields.String(required=True, validate=validate.Length(min=1, max=60))
    room = fields.String(load_default="", validate=validate.Length(max=60))
    # A time without its offset is refused: a hearing at "10:00" must say whose 10:00.
    starts_at = fields.AwareDateTime(required=True, format="iso")
    ends_at = fields.AwareDateTime(required=True, format="iso")


class HearingSchema(Schema):
    id = fields.Integer()
    instance_id = fields.String()
    title = fields.String()
    court = fields.String()
    room = fields.String()
    starts_at = fields.DateTime(format="iso")
    ends_at = fields.DateTime(format="iso")
    created_by = fields.String()


DAYS = validate.Range(min=dt.date(2000, 1, 1), max=dt.date(2999, 12, 31), error="a day of the years 2000-2999")


class HearingQuerySchema(Schema):
    from_ = fields.Date(data_key="from", validate=DAYS)
    to = fields.Date(validate=DAYS)


@hearings_blp.route("")
class HearingsView(MethodView):
    @hearings_blp.arguments(HearingQuerySchema, location="query")
    @hearings_blp.response(200, HearingSchema(many=True))
    def get(self, query):
        """The hearings of the cases the caller takes part in (at most 1000), by start; `from`/`to` are days (UTC)."""
        start = dt.datetime.combine(query["from_"], dt.time(), dt.UTC) if query.get("from_") else None
        end = dt.datetime.combine(query["to"], dt.time(), dt.UTC) + dt.timedelta(days=1) if query.get("to") else None
        return [scheduled_hearings.to_dict(row) for row in scheduled_hearings.visible(current_user(), start, end)]

    @hearings_blp.arguments(HearingCreateSchema)
    @hearings_blp.response(201, HearingSchema)
    @hearings_blp.alt_response(404, description="no such case, or the caller takes no part in it")
    def post(self, body):
        """Record a case's hearing (court_clerk, judge or admin who takes part in the case); audited in its history."""
        return scheduled_hearings.to_dict(scheduled_hearings.schedule(current_user(), body))
