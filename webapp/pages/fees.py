"""The public state fee calculator page: no sign-in, a GET form (works without JavaScript, and a
result is a link one can keep), computed by the same engine.fees functions as GET /api/v1/fees.

Each answer shows the fee, how it was computed (the band and the formula), the legal source and
whether the figure was checked against the consolidated law; a refused parameter is shown at its
field with the engine's own message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from engine.deadlines import riga_today
from engine.errors import N_, InvalidInput, field_error
from engine.fees import claim_fee, item_fee, money, parse_amount, schedule_on
from engine.fees.scale import Band, Schedule
from webapp.api.errors import translated
from webapp.api.fees import fee_scale
from webapp.engine_ext import get_engine
from webapp.i18n import request_language
from webapp.pages.signin import signed_in_user
from webapp.pages.tasks import field_errors

CIVIL_CLAIM = "civil-claim"
PARAMETERS = ("amount", "count", "fee")


@dataclass(frozen=True)
class Choice:
    name: str
    title: str
    parameters: tuple[str, ...]


@dataclass
class Quote:
    """A computed fee as the page shows it."""

    title: str
    fee: str
    formula: str
    source: str
    verified: bool
    band: dict | None = None
    notes: list[str] = field(default_factory=list)


def _title(lv: str, en: str) -> str:
    return en if request_language() == "en" else lv


def choices(schedule: Schedule) -> list[Choice]:
    claim = Choice(CIVIL_CLAIM, _title(schedule.claim_title_lv, schedule.claim_title_en), ("amount",))
    return [claim] + [Choice(entry.name, _title(entry.title_lv, entry.title_en), entry.parameters)
                      for entry in schedule.items.values()]


def _band(band: Band) -> dict:
    return {"from": money(band.lower), "to": None if band.upper is None else money(band.upper),
            "base": money(band.base), "rate": _percent(band.rate), "over": money(band.over),
            "minimum": None if band.minimum is None else money(band.minimum)}


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def _claim_formula(band: Band, amount: Decimal, fee: Decimal) -> str:
    by_rate = band.base + band.rate * (amount - band.over)
    formula = _("%(base)s + %(rate)s × (%(amount)s − %(over)s) = %(fee)s", base=money(band.base),
                rate=_percent(band.rate), amount=money(amount), over=money(band.over), fee=money(by_rate))
    if band.minimum is not None:
        formula += " " + _("(at least %(minimum)s)", minimum=money(band.minimum))
    return formula


def quote(schedule: Schedule, name: str, args: dict) -> Quote:
    """The fee of `name` from the query's parameters; InvalidInput names the refused parameter."""
    if name == CIVIL_CLAIM:
        result = claim_fee(schedule, parse_amount(args.get("amount")))
        return Quote(title=_title(schedule.claim_title_lv, schedule.claim_title_en), fee=money(result.fee),
                     formula=_claim_formula(result.band, result.amount, result.fee), source=result.source,
                     verified=result.band.verified, band=_band(result.band))
    result = item_fee(schedule, name, amount=args.get("amount"), count=args.get("count"), fee=args.get("fee"))
    entry = result.item
    if entry.kind == "claim_scale":
        formula = _claim_formula(result.band, result.amount, result.fee)
    elif entry.kind == "per_unit":
        formula = _("%(price)s × %(count)s = %(fee)s", price=money(entry.amount), count=result.count,
                    fee=money(result.fee))
    elif entry.kind == "share":
        formula = _("%(rate)s × %(amount)s = %(fee)s", rate=_percent(entry.rate), amount=money(result.amount),
                    fee=money(result.fee))
    elif entry.kind == "refund_share":
        formula = _("%(rate)s of the fee paid (%(paid)s) = %(fee)s is refunded", rate=_percent(entry.rate),
                    paid=money(result.paid_fee), fee=money(result.fee))
    elif entry.kind == "exempt":
        formula = _("No state fee is paid for this claim.")
    else:
        formula = _("A fixed amount: %(fee)s", fee=money(result.fee))
    return Quote(title=_title(entry.title_lv, entry.title_en), fee=money(result.fee), formula=formula,
                 source=entry.source, verified=entry.verified and (result.band is None or result.band.verified),
                 band=_band(result.band) if result.band is not None else None)


def fees_page():
    signed_in_user()  # a signed-in person keeps their navigation; nobody needs to be
    schedule = schedule_on(fee_scale(), riga_today(get_engine().clock.now()))
    offered = choices(schedule)
    args = {key: request.args.get(key, "")[:40] for key in ("item", *PARAMETERS)}
    wanted = args["item"] or None
    result, errors, summary, status = None, {}, None, 200
    if wanted is not None:
        try:
            if wanted not in {choice.name for choice in offered}:
                raise InvalidInput(N_("there is no such fee item"), [field_error("item", N_("choose an item from the list"))])
            result = quote(schedule, wanted, {key: args[key] or None for key in PARAMETERS})
        except InvalidInput as err:
            errors = {key.lstrip("/"): message for key, message in field_errors(err.errors).items()}
            summary = translated(err.template, err.params)
            status = 422
    return render_template("pages/fees.html", choices=offered, args=args, selected=wanted or CIVIL_CLAIM,
                           result=result, errors=errors, summary=summary, schedule=schedule), status


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/fees", "fees", fees_page, methods=["GET"])
