"""The state fee scale, exact to the cent at every band edge and inside each band."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from engine.errors import InvalidInput, NotFound
from engine.fees import FeeScaleInvalid, claim_fee, item_fee, load_scale, money, parse_amount, schedule_on
from engine.fees.scale import RATES_FILE, parse_scale

SCHEDULE = load_scale().on(date(2026, 12, 1))

# (claim, fee, band's lower edge): worked by hand from the scale in the domain brief, half-up to cents.
CLAIMS = [
    ("0.01", "70.00", "0.00"),  # 15 % is 0.0015: the minimum applies
    ("466.66", "70.00", "0.00"),  # 69.999 → minimum
    ("466.67", "70.00", "0.00"),  # 70.0005 → 70.00
    ("466.70", "70.01", "0.00"),  # 70.005 → half up
    ("1000.00", "150.00", "0.00"),
    ("2134.00", "320.10", "0.00"),  # upper edge of band 1 (inclusive)
    ("2134.01", "320.00", "2134.00"),  # 320 + 0.0004
    ("2135.00", "320.04", "2134.00"),
    ("5000.00", "434.64", "2134.00"),  # 320 + 4 % of 2866
    ("7114.00", "519.20", "2134.00"),
    ("7114.01", "519.30", "7114.00"),
    ("10000.00", "611.65", "7114.00"),  # 519.30 + 92.352
    ("28457.00", "1202.28", "7114.00"),  # 519.30 + 682.976
    ("28457.01", "1202.28", "28457.00"),
    ("100000.00", "2346.97", "28457.00"),  # 1202.28 + 1144.688
    ("142287.00", "3023.56", "28457.00"),
    ("142287.01", "3023.56", "142287.00"),
    ("500000.00", "6600.69", "142287.00"),  # 3023.56 + 3577.13
    ("711435.00", "8715.04", "142287.00"),
    ("711435.01", "8715.04", "711435.00"),
    ("1000000.00", "10446.43", "711435.00"),  # 8715.04 + 1731.39
    ("999999999.99", "6004446.43", "711435.00"),
]


@pytest.mark.parametrize(("claim", "fee", "lower"), CLAIMS)
def test_civil_claim_fee_is_exact_at_every_edge_and_inside_each_band(claim, fee, lower):
    result = claim_fee(SCHEDULE, parse_amount(claim))
    assert (money(result.fee), money(result.band.lower)) == (fee, lower)


def test_every_band_is_exercised_by_the_table():
    assert {lower for _, _, lower in CLAIMS} == {money(band.lower) for band in SCHEDULE.bands}


@pytest.mark.parametrize("text", ["-1", "0", "0.00", "1.234", "abc", "1e400", "", None, "1,5", " 5", "5 ",
                                  "1234567890", "１２", "Infinity", "NaN", "0x10"])
def test_bad_amounts_are_refused_with_a_field_error(text):
    with pytest.raises(InvalidInput) as refused:
        parse_amount(text)
    assert refused.value.errors[0]["field"] == "amount"


@pytest.mark.parametrize(("name", "params", "fee"), [
    ("appeal", {"amount": "2135.00"}, "320.04"),
    ("ancillary-complaint-deposit", {}, "70.00"),
    ("cassation-deposit", {}, "300.00"),
    ("newly-discovered-circumstances-deposit", {}, "300.00"),
    ("copy", {}, "7.00"),
    ("certificate", {"count": "2"}, "6.00"),
    ("duplicate-writ", {}, "15.00"),
    ("entry-into-force-certification", {}, "5.00"),
    ("witness-summons", {"count": "4"}, "20.00"),
    ("non-money-claim", {}, "71.14"),
    ("divorce", {}, "142.29"),
    ("securing-claim", {"amount": "1001.00"}, "5.01"),  # 5.005 → half up
    ("warning-procedure", {"amount": "1234.56"}, "24.69"),
    ("settlement-refund", {"fee": "320.05"}, "160.03"),  # 160.025 → half up
    ("maintenance-claim", {"amount": "5000.00"}, "0.00"),
])
def test_each_item_of_the_scale(name, params, fee):
    assert money(item_fee(SCHEDULE, name, **params).fee) == fee


def test_every_item_of_the_table_is_covered_above():
    covered = {name for name, _, _ in test_each_item_of_the_scale.pytestmark[0].args[1]}
    assert covered == set(SCHEDULE.items)


@pytest.mark.parametrize(("name", "params", "field"), [
    ("appeal", {}, "amount"),
    ("securing-claim", {"amount": "0"}, "amount"),
    ("witness-summons", {"count": "0"}, "count"),
    ("witness-summons", {"count": "1001"}, "count"),
    ("witness-summons", {"count": "2.5"}, "count"),
    ("settlement-refund", {"fee": "-5"}, "fee"),
])
def test_item_parameters_are_checked(name, params, field):
    with pytest.raises(InvalidInput) as refused:
        item_fee(SCHEDULE, name, **params)
    assert refused.value.errors[0]["field"] == field


def test_an_unknown_item_is_not_found():
    with pytest.raises(NotFound):
        item_fee(SCHEDULE, "parking")


def test_no_scale_before_the_first_schedule():
    with pytest.raises(InvalidInput) as refused:
        schedule_on(load_scale(), date(2013, 12, 31))
    assert refused.value.errors[0]["field"] == "at"


def _table() -> dict:
    return json.loads(RATES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "complaint"), [
    (lambda t: t["schedules"][0]["civil_claim"]["bands"][1].update({"from": "2000.00"}), "band before ends"),
    (lambda t: t["schedules"][0]["civil_claim"]["bands"][2].update({"base": 519.3}), "written as a string"),
    (lambda t: t["schedules"][0]["civil_claim"]["bands"][0].update({"rate": "1.5"}), "not between 0 and 1"),
    (lambda t: t["schedules"][0]["civil_claim"]["bands"][-1].update({"to": "999999999.99"}), "last one must be open"),
    (lambda t: t["schedules"][0]["items"]["copy"].update({"amount": "7.001"}), "euro and cents"),
    (lambda t: t["schedules"][0]["items"]["copy"].update({"kind": "lottery"}), "unknown kind"),
    (lambda t: t["schedules"][0].update({"valid_from": "2014-13-01"}), "not a date"),
    (lambda t: t["schedules"][0].pop("items"), "missing"),
    (lambda t: t.update({"schedules": []}), "no schedule"),
])
def test_a_malformed_table_is_refused_with_the_place_named(change, complaint):
    table = _table()
    change(table)
    with pytest.raises(FeeScaleInvalid, match=complaint):
        parse_scale(table)


def test_a_later_schedule_takes_over_on_its_first_day():
    table = _table()
    later = json.loads(json.dumps(table["schedules"][0]))
    later["valid_from"] = "2027-01-01"
    later["items"]["copy"]["amount"] = "8.00"
    table["schedules"][0]["valid_to"] = "2027-01-01"
    table["schedules"].append(later)
    scale = parse_scale(table)
    assert item_fee(scale.on(date(2026, 12, 31)), "copy").fee == Decimal("7.00")
    assert item_fee(scale.on(date(2027, 1, 1)), "copy").fee == Decimal("8.00")
