"""The property register's API: registering (with field errors), need-to-know on a case's items
and on the search across cases, and a custody chain nobody can rewrite."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from engine.models import CustodyAcknowledgement, CustodyEvent
from engine.services.property_register import PropertyRegisterService
from tests.webapp.register_support import PHONE, seizure_cases
from webapp.extensions import db


@pytest.fixture
def cases(api):
    return seizure_cases(api)


def test_a_registered_item_is_held_by_the_registering_officers_unit(cases):
    phone = cases.phone
    assert phone["identifier"] == "11816000777-L001"
    assert phone["holder"] == {"kind": "unit", "code": "POLICE:RIGA"}
    assert (phone["status"], phone["registered_by"], phone["case_number"]) == ("seized", "police_riga", "11816000777")
    [event] = phone["chain"]
    assert (event["action"], event["actor"], event["to_place"]) == ("registered", "police_riga", PHONE["storage_place"])


def test_identifiers_count_up_within_the_case(api, cases):
    second = api.post(f"/api/v1/cases/{cases.riga}/items", as_user="police_riga",
                      json={**PHONE, "kind": "document", "description": "Pase"})
    assert second.status_code == 201 and second.json["identifier"] == "11816000777-L002"
    listed = api.get(f"/api/v1/cases/{cases.riga}/items", as_user="police_riga").json
    assert [i["identifier"] for i in listed] == ["11816000777-L001", "11816000777-L002"]


@pytest.mark.parametrize(("body", "field"), [
    ({**PHONE, "kind": "spaceship"}, "/kind"),
    ({**PHONE, "status": "destroyed"}, "/status"),
    ({k: v for k, v in PHONE.items() if k != "storage_place"}, "/storage_place"),
    ({**PHONE, "description": "x" * 2001}, "/description"),
    ({**PHONE, "owner": 12}, "/owner"),
    ({**PHONE, "description": "nul \u0000 byte"}, "/description"),  # PostgreSQL could not even store it
])
def test_a_bad_item_is_refused_field_by_field(api, cases, body, field):
    response = api.post(f"/api/v1/cases/{cases.riga}/items", as_user="police_riga", json=body)
    assert response.status_code == 422, response.json
    assert field in [e["field"] for e in response.json["errors"]]
    assert len(api.get(f"/api/v1/cases/{cases.riga}/items", as_user="police_riga").json) == 1


@pytest.mark.parametrize("body", [
    {"to": {}}, {"to": {"unit": "POLICE:RIGA", "user": "pros_riga"}}, {"to": {"unit": "POLICE:NOWHERE"}},
    {"to": {"user": "nobody"}}, {"to": {"institution": "POLICE"}, "status": "returned_to_owner"},
    {"to": {"user": "nul\u0000"}}, {"to": {"institution": "POLICE"}, "note": "nul \u0000"},
])
def test_a_move_to_nobody_is_refused(api, cases, body):
    response = api.post(f"/api/v1/cases/{cases.riga}/items/{cases.phone['id']}/move", as_user="police_riga", json=body)
    assert response.status_code == 422, response.json


def test_a_return_needs_the_owners_acknowledgement(api, cases):
    url = f"/api/v1/cases/{cases.riga}/items/{cases.phone['id']}/return"
    refused = api.post(url, as_user="police_riga", json={"owner_name": "Līga Kalniņa", "owner_acknowledged": False})
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "/owner_acknowledged"
    assert api.get(f"/api/v1/cases/{cases.riga}/items/{cases.phone['id']}").json["status"] == "seized"


@pytest.mark.parametrize("path", ["", "/{item}", "/{item}/move", "/{item}/acknowledge", "/{item}/return"])
def test_another_units_case_and_its_items_do_not_exist_for_an_officer(api, cases, path):
    url = f"/api/v1/cases/{cases.riga}/items" + path.format(item=cases.phone["id"])
    if path in ("", "/{item}"):
        response = api.get(url, as_user="police_kurzeme")
    else:
        response = api.post(url, as_user="police_kurzeme", json={"to": {"institution": "POLICE"},
                                                                 "owner_name": "X", "owner_acknowledged": True})
    assert response.status_code == 404, response.json
    # An item of another case, named under one's own case, is not found either.
    mixed = api.get(f"/api/v1/cases/{cases.kurzeme}/items/{cases.phone['id']}", as_user="police_kurzeme")
    assert mixed.status_code == 404


@pytest.mark.parametrize(("user", "found"), [
    ("police_riga", ["11816000777-L001"]),
    ("police_kurzeme", ["11816000888-L001"]),
    ("admin", ["11816000888-L001", "11816000777-L001"]),
    ("pros_riga", []),  # staff, but takes part in neither case
])
def test_the_search_finds_only_items_of_the_searchers_cases(api, cases, user, found):
    response = api.get("/api/v1/items?q=11816000", as_user=user)
    assert response.status_code == 200, response.json
    assert [i["identifier"] for i in response.json] == found


def test_the_search_matches_words_and_escapes_wildcards(api, cases):
    for query in ("tālrunis", "TĀLRUNIS", "plaukts 4", "līga"):  # the query's case does not matter
        assert [i["identifier"] for i in api.get(f"/api/v1/items?q={query}", as_user="police_riga").json] == [
            "11816000777-L001"], query
    assert api.get("/api/v1/items?q=nazis", as_user="police_riga").json == []
    assert api.get("/api/v1/items?q=%25", as_user="admin").json == []
    assert api.get("/api/v1/items?q=_", as_user="admin").json == []


def test_the_search_is_for_register_staff(api, cases):
    assert api.get("/api/v1/items?q=L001", as_user="outsider").status_code == 403
    for query in ("", "%20%20", "a%00b"):
        assert api.get(f"/api/v1/items?q={query}", as_user="police_riga").status_code == 422, query


def test_the_service_offers_no_way_to_change_or_remove_an_event():
    public = {name for name in dir(PropertyRegisterService) if not name.startswith("_")}
    assert not {name for name in public if any(word in name for word in ("update", "delete", "remove", "edit", "undo"))}


@pytest.mark.parametrize("model", [CustodyEvent, CustodyAcknowledgement])
@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_database_refuses_to_rewrite_the_chain(api, app, cases, model, change):
    api.post(f"/api/v1/cases/{cases.riga}/items/{cases.phone['id']}/return", as_user="police_riga",
             json={"owner_name": "Līga Kalniņa", "owner_acknowledged": True})
    with app.app_context():
        statement = update(model).values(note="rewritten") if change == "update" else delete(model)
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
        assert db.session.scalar(text(f"SELECT count(*) FROM {model.__tablename__}")) >= 1
    chain = api.get(f"/api/v1/cases/{cases.riga}/items/{cases.phone['id']}").json["chain"]
    assert [e["note"] for e in chain] == ["", ""]
