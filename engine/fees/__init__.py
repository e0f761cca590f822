"""The state fee calculator (Civil Procedure Law s.34 and the items beside it): a public e-service."""

from engine.fees.calculator import ClaimFee, ItemFee, claim_fee, item_fee, money, parse_amount, schedule_on
from engine.fees.scale import FeeScale, FeeScaleInvalid, load_scale

__all__ = [
    "ClaimFee", "FeeScale", "FeeScaleInvalid", "ItemFee", "claim_fee", "item_fee", "load_scale", "money",
    "parse_amount", "schedule_on",
]
