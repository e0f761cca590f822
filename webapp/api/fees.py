"""The public state fee calculator: no sign-in, read-only, every figure with its legal source."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from engine.day_input import parse_day
from engine.deadlines import riga_today
from engine.fees import FeeScale, claim_fee, item_fee, load_scale, money, parse_amount, schedule_on
from engine.fees.scale import RATES_FILE, Band, FeeItem
from webapp.api.blueprint import Blueprint
from webapp.engine_ext import get_engine

blp = Blueprint("fees", __name__, url_prefix="/api/v1/fees",
                description="The state fee calculator (public, no sign-in)")


class BandSchema(Schema):
    from_ = fields.String(data_key="from", metadata={"description": "the band starts above this amount"})
    to = fields.String(allow_none=True, metadata={"description": "the band ends at this amount (inclusive); null: open"})
    base = fields.String()
    rate = fields.String()
    over = fields.String(metadata={"description": "the rate applies to the part of the amount above this"})
    minimum = fields.String(allow_none=True)
    verified = fields.Boolean(metadata={"description": "false: taken from an older text of the law, not yet checked"})


class ClaimQuerySchema(Schema):
    amount = fields.String(metadata={"description": "required: euro, ^\\d{1,9}(\\.\\d{1,2})?$, above 0"})
    at = fields.String(metadata={"description": "the date whose scale applies (YYYY-MM-DD); default today"})


class ItemQuerySchema(Schema):
    amount = fields.String(metadata={"description": "for items computed from an amount"})
    count = fields.String(metadata={"description": "for items charged per unit (1 to 1000, default 1)"})
    fee = fields.String(metadata={"description": "for a refund: the fee that was paid"})
    at = fields.String(metadata={"description": "the date whose scale applies (YYYY-MM-DD); default today"})


class ClaimFeeSchema(Schema):
    amount = fields.String()
    fee = fields.String()
    band = fields.Nested(BandSchema)
    source = fields.String()
    valid_from = fields.String()


class ItemSchema(Schema):
    item = fields.String()
    kind = fields.String()
    title_lv = fields.String()
    title_en = fields.String()
    parameters = fields.List(fields.String())
    source = fields.String()
    verified = fields.Boolean()


class ItemFeeSchema(ItemSchema):
    fee = fields.String()
    amount = fields.String()
    count = fields.Integer()
    paid_fee = fields.String()
    band = fields.Nested(BandSchema)


def band_dict(band: Band) -> dict:
    return {"from_": money(band.lower), "to": None if band.upper is None else money(band.upper),
            "base": money(band.base), "rate": str(band.rate), "over": money(band.over),
            "minimum": None if band.minimum is None else money(band.minimum), "verified": band.verified}


def item_dict(entry: FeeItem) -> dict:
    return {"item": entry.name, "kind": entry.kind, "title_lv": entry.title_lv, "title_en": entry.title_en,
            "parameters": list(entry.parameters), "source": entry.source, "verified": entry.verified}


def fee_scale() -> FeeScale:
    return current_app.extensions["lieta_fees"]


def _today():
    return riga_today(get_engine().clock.now())


@blp.route("/civil-claim")
class CivilClaimFeeView(MethodView):
    @blp.arguments(ClaimQuerySchema, location="query")
    @blp.response(200, ClaimFeeSchema)
    @blp.alt_response(422, description="the amount or the date is not valid")
    def get(self, query):
        """The state fee of a monetary claim (Civil Procedure Law s.34(1)(1)), by its band."""
        schedule = schedule_on(fee_scale(), parse_day(query.get("at"), _today()))
        result = claim_fee(schedule, parse_amount(query.get("amount")))
        return {"amount": money(result.amount), "fee": money(result.fee), "band": band_dict(result.band),
                "source": result.source, "valid_from": schedule.valid_from.isoformat()}


@blp.route("")
class FeeItemsView(MethodView):
    @blp.arguments(ItemQuerySchema(only=("at",)), location="query")
    @blp.response(200, ItemSchema(many=True))
    def get(self, query):
        """Every item of the scale besides the civil claim, with the parameters each one takes."""
        schedule = schedule_on(fee_scale(), parse_day(query.get("at"), _today()))
        return [item_dict(entry) for entry in schedule.items.values()]


@blp.route("/<string:item>")
class FeeItemView(MethodView):
    @blp.arguments(ItemQuerySchema, location="query")
    @blp.response(200, ItemFeeSchema)
    @blp.alt_response(404, description="no such item in the scale")
    @blp.alt_response(422, description="a parameter is not valid")
    def get(self, query, item):
        """The fee of one item of the scale (see the list at /api/v1/fees)."""
        schedule = schedule_on(fee_scale(), parse_day(query.get("at"), _today()))
        result = item_fee(schedule, item, amount=query.get("amount"), count=query.get("count"), fee=query.get("fee"))
        body = item_dict(result.item) | {"fee": money(result.fee)}
        if result.amount is not None:
            body["amount"] = money(result.amount)
        if result.count is not None:
            body["count"] = result.count
        if result.paid_fee is not None:
            body["paid_fee"] = money(result.paid_fee)
        if result.band is not None:
            body["band"] = band_dict(result.band)
        return body


def init_app(app: Flask) -> None:
    """Loads the scale once; a malformed table stops start-up (FeeScaleInvalid names the entry)."""
    configured = app.config["LIETA_SETTINGS"].fee_rates_file
    app.extensions["lieta_fees"] = load_scale(Path(configured) if configured else RATES_FILE)
