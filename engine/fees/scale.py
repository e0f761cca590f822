"""The state fee scale as data: `rates.json` holds every rate with its legal source and the dates it
applies on, so a change in the law is a change of data, never of code. Loading checks the table
(bands contiguous and ascending, exact money, known item kinds) and refuses a broken one at start-up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

RATES_FILE = Path(__file__).with_name("rates.json")

ITEM_KINDS = {
    "claim_scale": ("amount",),  # the civil-claim scale applied to another amount (appeal)
    "fixed": (),
    "per_unit": ("count",),
    "share": ("amount",),
    "refund_share": ("fee",),  # a share of a fee already paid, returned
    "exempt": (),
}
"""Each kind of fee item and the query parameters it needs."""


class FeeScaleInvalid(ValueError):
    """The rates table is malformed: start-up stops with this message."""


@dataclass(frozen=True)
class Band:
    lower: Decimal  # exclusive, except for the first band (an amount must be above 0 anyway)
    upper: Decimal | None  # inclusive; None for the open last band
    base: Decimal
    rate: Decimal
    over: Decimal
    minimum: Decimal | None
    verified: bool

    def contains(self, amount: Decimal) -> bool:
        return amount > self.lower and (self.upper is None or amount <= self.upper)


@dataclass(frozen=True)
class FeeItem:
    name: str
    kind: str
    title_lv: str
    title_en: str
    source: str
    verified: bool
    amount: Decimal | None = None
    rate: Decimal | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        return ITEM_KINDS[self.kind]


@dataclass(frozen=True)
class Schedule:
    valid_from: date
    valid_to: date | None  # exclusive
    note: str
    claim_source: str
    claim_title_lv: str
    claim_title_en: str
    bands: tuple[Band, ...]
    items: dict[str, FeeItem]

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(frozen=True)
class FeeScale:
    schedules: tuple[Schedule, ...]

    def on(self, day: date) -> Schedule | None:
        """The schedule in force on `day`, or None before the first one."""
        return next((schedule for schedule in self.schedules if schedule.applies_on(day)), None)


def _money(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):
        raise FeeScaleInvalid(f"{where}: money is written as a string such as \"70.00\", not {value!r}")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise FeeScaleInvalid(f"{where}: {value!r} is not a number") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise FeeScaleInvalid(f"{where}: {value!r} is not an amount in euro and cents")
    return amount


def _rate(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):
        raise FeeScaleInvalid(f"{where}: a rate is written as a string such as \"0.04\", not {value!r}")
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise FeeScaleInvalid(f"{where}: {value!r} is not a number") from None
    if not Decimal(0) <= rate <= Decimal(1):
        raise FeeScaleInvalid(f"{where}: the rate {value!r} is not between 0 and 1")
    return rate


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise FeeScaleInvalid(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _bands(raw: list, where: str) -> tuple[Band, ...]:
    bands = []
    for index, entry in enumerate(raw):
        at = f"{where}.bands[{index}]"
        upper = None if entry.get("to") is None else _money(entry["to"], f"{at}.to")
        minimum = None if entry.get("minimum") is None else _money(entry["minimum"], f"{at}.minimum")
        band = Band(
            lower=_money(entry["from"], f"{at}.from"), upper=upper, base=_money(entry["base"], f"{at}.base"),
            rate=_rate(entry["rate"], f"{at}.rate"), over=_money(entry["over"], f"{at}.over"),
            minimum=minimum, verified=bool(entry.get("verified", False)),
        )
        if bands and band.lower != bands[-1].upper:
            raise FeeScaleInvalid(f"{at}: starts at {band.lower}, but the band before ends at {bands[-1].upper}")
        if band.upper is not None and band.upper <= band.lower:
            raise FeeScaleInvalid(f"{at}: ends at {band.upper}, not above where it starts")
        bands.append(band)
    if not bands or bands[0].lower != 0 or bands[-1].upper is not None:
        raise FeeScaleInvalid(f"{where}: the bands must start at 0.00 and the last one must be open (\"to\": null)")
    return tuple(bands)


def _item(name: str, raw: dict, where: str) -> FeeItem:
    kind = raw.get("kind")
    if kind not in ITEM_KINDS:
        raise FeeScaleInvalid(f"{where}: unknown kind {kind!r} (known: {', '.join(sorted(ITEM_KINDS))})")
    needs_amount = kind in ("fixed", "per_unit", "exempt")
    needs_rate = kind in ("share", "refund_share")
    return FeeItem(
        name=name, kind=kind, title_lv=raw["title_lv"], title_en=raw["title_en"], source=raw["source"],
        verified=bool(raw.get("verified", False)),
        amount=_money(raw.get("amount"), f"{where}.amount") if needs_amount else None,
        rate=_rate(raw.get("rate"), f"{where}.rate") if needs_rate else None,
    )


def parse_scale(document: dict) -> FeeScale:
    schedules = []
    for index, raw in enumerate(document.get("schedules") or []):
        where = f"schedules[{index}]"
        try:
            claim = raw["civil_claim"]
            schedule = Schedule(
                valid_from=_day(raw["valid_from"], f"{where}.valid_from"),
                valid_to=None if raw.get("valid_to") is None else _day(raw["valid_to"], f"{where}.valid_to"),
                note=raw.get("note", ""), claim_source=claim["source"],
                claim_title_lv=claim["title_lv"], claim_title_en=claim["title_en"],
                bands=_bands(claim["bands"], f"{where}.civil_claim"),
                items={name: _item(name, item, f"{where}.items.{name}") for name, item in raw["items"].items()},
            )
        except KeyError as missing:
            raise FeeScaleInvalid(f"{where}: the key {missing} is missing") from None
        if schedules and schedules[-1].valid_to != schedule.valid_from:
            raise FeeScaleInvalid(f"{where}: starts on {schedule.valid_from}, not when the schedule before ends")
        schedules.append(schedule)
    if not schedules:
        raise FeeScaleInvalid("the rates table holds no schedule")
    return FeeScale(tuple(schedules))


def load_scale(path: Path = RATES_FILE) -> FeeScale:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise FeeScaleInvalid(f"{path}: cannot be read as JSON ({err})") from None
    return parse_scale(document)
