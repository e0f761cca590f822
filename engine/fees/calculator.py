"""State fees computed from the scale in exact decimal arithmetic, rounded half-up to cents.

Input arrives as text from the public: it is checked here, once, and refused with a field error the
web layer can say in the user's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from engine.errors import N_, InvalidInput, NotFound, field_error
from engine.fees.scale import Band, FeeItem, FeeScale, Schedule

CENT = Decimal("0.01")
AMOUNT_PATTERN = re.compile(r"^\d{1,9}(\.\d{1,2})?$", re.ASCII)  # "１２" is a digit to Unicode, not to a cashier
MAX_COUNT = 1000


@dataclass(frozen=True)
class ClaimFee:
    amount: Decimal
    fee: Decimal
    band: Band
    source: str


@dataclass(frozen=True)
class ItemFee:
    item: FeeItem
    fee: Decimal
    amount: Decimal | None = None
    count: int | None = None
    paid_fee: Decimal | None = None
    band: Band | None = None


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def parse_amount(text: str | None, field: str = "amount") -> Decimal:
    """An amount in euro typed by a person: digits with up to two decimals, above zero."""
    if text is None or text == "":
        raise InvalidInput(N_("the amount is missing"), [field_error(field, N_("enter an amount in euro, for example 2135.00"))])
    if not AMOUNT_PATTERN.fullmatch(text):
        raise InvalidInput(
            N_("the amount is not valid"),
            [field_error(field, N_("write the amount in euro with at most 9 digits before the point and 2 after it, for example 2135.00"))],
        )
    amount = Decimal(text)
    if amount <= 0:
        raise InvalidInput(N_("the amount is not valid"), [field_error(field, N_("the amount must be above 0"))])
    return amount


def parse_count(text: str | None) -> int:
    if text is None or text == "":
        return 1
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise InvalidInput(
            N_("the count is not valid"),
            [field_error("count", N_("the count is a whole number from 1 to %(max)s"), max=MAX_COUNT)],
        )
    return int(text)


def schedule_on(scale: FeeScale, day: date) -> Schedule:
    schedule = scale.on(day)
    if schedule is None:
        raise InvalidInput(
            N_("no fee scale applies on that date"),
            [field_error("at", N_("the fee scale starts on %(start)s"), start=scale.schedules[0].valid_from.isoformat())],
        )
    return schedule


def claim_fee(schedule: Schedule, amount: Decimal) -> ClaimFee:
    band = next(band for band in schedule.bands if band.contains(amount))
    fee = band.base + band.rate * (amount - band.over)
    if band.minimum is not None:
        fee = max(fee, band.minimum)
    return ClaimFee(amount=amount, fee=fee.quantize(CENT, rounding=ROUND_HALF_UP), band=band, source=schedule.claim_source)


def item(schedule: Schedule, name: str) -> FeeItem:
    found = schedule.items.get(name)
    if found is None:
        raise NotFound(N_("there is no fee item %(name)r"), params={"name": name})
    return found


def item_fee(schedule: Schedule, name: str, *, amount: str | None = None, count: str | None = None,
             fee: str | None = None) -> ItemFee:
    """The fee of one item of the scale; the parameters it does not take are ignored."""
    fee_item = item(schedule, name)
    if fee_item.kind == "claim_scale":
        claim = claim_fee(schedule, parse_amount(amount))
        return ItemFee(item=fee_item, fee=claim.fee, amount=claim.amount, band=claim.band)
    if fee_item.kind in ("fixed", "exempt"):
        return ItemFee(item=fee_item, fee=fee_item.amount)
    if fee_item.kind == "per_unit":
        units = parse_count(count)
        return ItemFee(item=fee_item, fee=fee_item.amount * units, count=units)
    if fee_item.kind == "share":
        base = parse_amount(amount)
        return ItemFee(item=fee_item, fee=(fee_item.rate * base).quantize(CENT, rounding=ROUND_HALF_UP), amount=base)
    paid = parse_amount(fee, field="fee")
    return ItemFee(item=fee_item, fee=(fee_item.rate * paid).quantize(CENT, rounding=ROUND_HALF_UP), paid_fee=paid)
