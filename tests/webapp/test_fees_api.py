"""The public fee calculator over HTTP: no sign-in, exact strings, refusals a person understands."""

from __future__ import annotations

import json

import pytest

from engine.fees import FeeScaleInvalid
from engine.fees.scale import RATES_FILE
from tests.conftest import make_app


def test_civil_claim_fee_without_signing_in(client):
    response = client.get("/api/v1/fees/civil-claim?amount=2135.00")
    assert response.status_code == 200
    assert response.json == {
        "amount": "2135.00", "fee": "320.04",
        "band": {"from": "2134.00", "to": "7114.00", "base": "320.00", "rate": "0.04", "over": "2134.00",
                 "minimum": None, "verified": True},
        "source": "Civilprocesa likums, 34. panta pirmās daļas 1. punkts", "valid_from": "2014-01-01",
    }


@pytest.mark.parametrize("amount", ["-5", "0", "0.00", "12.345", "abc", "1e400", "", "1234567890"])
def test_bad_amounts_get_422_with_the_field(client, amount):
    response = client.get("/api/v1/fees/civil-claim", query_string={"amount": amount})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "amount"
    assert response.json["message"]


def test_the_amount_missing_altogether(client):
    response = client.get("/api/v1/fees/civil-claim")
    assert response.status_code == 422
    assert response.json["message"] == "the amount is missing"


def test_refusals_are_in_latvian_by_default(app):
    response = app.test_client().get("/api/v1/fees/civil-claim?amount=0")
    assert response.status_code == 422
    assert response.json == {"message": "summa nav derīga",
                             "errors": [{"field": "amount", "message": "summai jābūt lielākai par 0"}]}


def test_the_item_list_names_each_items_parameters(client):
    response = client.get("/api/v1/fees")
    assert response.status_code == 200
    by_name = {entry["item"]: entry for entry in response.json}
    assert by_name["witness-summons"]["parameters"] == ["count"]
    assert by_name["settlement-refund"]["parameters"] == ["fee"]
    assert by_name["divorce"]["parameters"] == []
    assert all(entry["source"] and entry["title_lv"] and entry["title_en"] for entry in response.json)


@pytest.mark.parametrize(("path", "fee"), [
    ("/api/v1/fees/appeal?amount=10000.00", "611.65"),
    ("/api/v1/fees/witness-summons?count=3", "15.00"),
    ("/api/v1/fees/securing-claim?amount=1001.00", "5.01"),
    ("/api/v1/fees/settlement-refund?fee=320.10", "160.05"),
    ("/api/v1/fees/maintenance-claim", "0.00"),
])
def test_items_over_http(client, path, fee):
    response = client.get(path)
    assert response.status_code == 200, response.json
    assert response.json["fee"] == fee


def test_an_unknown_item_is_404(client):
    assert client.get("/api/v1/fees/parking").status_code == 404


@pytest.mark.parametrize("at", ["2020-02-30", "yesterday", "2013-12-31"])
def test_a_bad_or_too_early_date_is_422(client, at):
    response = client.get("/api/v1/fees/civil-claim", query_string={"amount": "100.00", "at": at})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "at"


def test_the_scale_is_data_read_from_the_configured_table(database_url, clock, sandbox, tmp_path):
    table = json.loads(RATES_FILE.read_text("utf-8"))
    table["schedules"][0]["items"]["divorce"]["amount"] = "150.00"
    rates = tmp_path / "rates.json"
    rates.write_text(json.dumps(table), encoding="utf-8")
    app = make_app(database_url, clock, sandbox, tmp_path, fee_rates_file=str(rates))
    assert app.test_client().get("/api/v1/fees/divorce").json["fee"] == "150.00"


def test_a_broken_table_stops_start_up_with_the_place_named(database_url, clock, sandbox, tmp_path):
    rates = tmp_path / "rates.json"
    rates.write_text('{"schedules": [{"valid_from": "2014-01-01"}]}', encoding="utf-8")
    with pytest.raises(FeeScaleInvalid, match=r"schedules\[0\]: the key 'civil_claim' is missing"):
        make_app(database_url, clock, sandbox, tmp_path, fee_rates_file=str(rates))
