"""The resources API takes its court territories and languages from the shared classifiers: an
unknown code is 422 naming the field, and a new version of a list changes what is accepted
without rewriting what was recorded."""

from __future__ import annotations

import pytest

ADVOCATE = {"code": "adv-1", "full_name": "Ilze Kalniņa", "territories": ["Rīga"], "languages": ["lv"]}
PROSECUTOR = {"code": "pro-1", "full_name": "Jānis Ozoliņš", "regions": ["Latgale"]}


@pytest.fixture
def people(api):
    api.create_users({"officer": ["legal_aid_officer"]})
    return api


def errors_of(response) -> list[dict]:
    assert response.status_code == 422, response.json
    return response.json["errors"]


@pytest.mark.parametrize(("method", "path", "body", "field", "message"), [
    ("post", "/api/v1/advocates", {**ADVOCATE, "languages": ["lv", "xx"]}, "/languages", "unknown language 'xx'"),
    ("post", "/api/v1/advocates", {**ADVOCATE, "territories": ["Sēlija"]}, "/territories",
     "unknown court territory 'Sēlija'"),
    ("patch", "/api/v1/advocates/{adv}", {"languages": ["qq"]}, "/languages", "unknown language 'qq'"),
    ("get", "/api/v1/advocates?language=zz", None, "/language", "unknown language 'zz'"),
    ("get", "/api/v1/advocates?territory=Mars", None, "/territory", "unknown court territory 'Mars'"),
    ("post", "/api/v1/prosecutors", {**PROSECUTOR, "regions": ["Narnia"]}, "/regions",
     "unknown court territory 'Narnia'"),
    ("get", "/api/v1/prosecutors?region=Narnia", None, "/region", "unknown court territory 'Narnia'"),
    ("post", "/api/v1/rosters", {"month": "2027-02", "regions": ["Mars"]}, "/regions", "unknown court territory 'Mars'"),
])
def test_an_unknown_code_is_refused_naming_the_field(people, method, path, body, field, message):
    api = people
    adv = api.post("/api/v1/advocates", json={**ADVOCATE, "code": "adv-x"}).json["id"]
    kwargs = {"json": body} if body is not None else {}
    response = api.client.open(path.format(adv=adv), method=method.upper(),
                               headers=api.headers("admin") | {"Accept-Language": "en"}, **kwargs)
    assert {"field": field, "message": message} in errors_of(response)


def test_territories_are_read_case_and_accent_insensitively_and_stored_as_the_lists_codes(people):
    created = people.post("/api/v1/advocates", as_user="officer",
                          json={**ADVOCATE, "territories": ["Rīga", "KURZEME"], "languages": ["ru", "lv"]})
    assert created.status_code == 201, created.json
    assert created.json["territories"] == ["kurzeme", "riga"] and created.json["languages"] == ["lv", "ru"]


def test_a_refusal_is_in_latvian_by_default(people):
    response = people.client.post("/api/v1/advocates", headers=people.headers("admin") | {"Accept-Language": "lv"},
                                  json={**ADVOCATE, "languages": ["xx"]})
    [error] = errors_of(response)
    assert error == {"field": "/languages", "message": "nezināma valoda 'xx'"}


def test_a_new_version_of_the_territories_changes_what_is_accepted_not_what_was_recorded(people):
    api = people
    recorded = api.post("/api/v1/advocates", json={**ADVOCATE, "territories": ["Latgale"]})
    assert recorded.status_code == 201
    current = api.get("/api/v1/classifiers/court_territory").json
    entries = [entry | ({"valid_to": "2027-01-01"} if entry["code"] == "latgale" else {})
               for entry in current["entries"]]
    entries.append({"code": "selija", "name_lv": "Sēlijas teritorija", "name_en": "Selonia territory",
                    "valid_from": "2027-01-01", "valid_to": None})
    body = {key: current[key] for key in ("title_lv", "title_en", "source", "verified", "public")} | {"entries": entries}
    published = api.client.put("/api/v1/classifiers/court_territory", headers=api.headers("admin"), json=body)
    assert published.status_code == 200, published.json

    refused = api.post("/api/v1/advocates", json={**ADVOCATE, "code": "adv-2", "territories": ["latgale"]})
    assert [e["field"] for e in errors_of(refused)] == ["/territories"]
    taken = api.post("/api/v1/advocates", json={**ADVOCATE, "code": "adv-3", "territories": ["selija"]})
    assert taken.status_code == 201 and taken.json["territories"] == ["selija"]
    # The advocate recorded under the earlier version still reads as recorded.
    assert api.get(f"/api/v1/advocates/{recorded.json['id']}").json["territories"] == ["latgale"]
