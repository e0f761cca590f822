"""Shared classifiers over the API: public reading, versions that never rewrite the past, admin
changes audited, and form fields bound to a list."""

from __future__ import annotations

import json

import pytest

from tests.support.bpmn_builder import ProcessBuilder

REGIONS = {
    "title_lv": "Reģioni", "title_en": "Regions", "source": "test list", "verified": True, "public": True,
    "entries": [
        {"code": "OLD", "name_lv": "Vecais", "name_en": "Old", "valid_from": None, "valid_to": "2026-01-01"},
        {"code": "NEW", "name_lv": "Jaunais", "name_en": "New", "valid_from": "2026-01-01", "valid_to": None},
    ],
}
FORM = {"type": "object", "required": ["region"],
        "properties": {"region": {"type": "string", "title": "Reģions", "x-title-en": "Region", "x-classifier": "region"}}}


def put(api, name, body, as_user="admin"):
    return api.client.put(f"/api/v1/classifiers/{name}", headers=api.headers(as_user), json=body)


@pytest.fixture
def regions(api):
    response = put(api, "region", REGIONS)
    assert response.status_code == 201, response.json
    return response.json


def test_seeded_public_lists_read_without_signing_in(client):
    listed = {entry["name"]: entry for entry in client.get("/api/v1/classifiers").json}
    assert {"language", "court_territory", "criminal_law_article", "institution", "unit"} <= set(listed)
    assert listed["criminal_law_article"]["verified"] is False  # not checked against the law: said so
    languages = client.get("/api/v1/classifiers/language").json
    latvian = next(entry for entry in languages["entries"] if entry["code"] == "lv")
    assert (latvian["name_lv"], latvian["name_en"]) == ("Latviešu", "Latvian")
    units = client.get("/api/v1/classifiers/unit").json
    assert units["read_only"] is True and any(entry["code"] == "COURT:RIGA" for entry in units["entries"])


def test_a_list_that_is_not_public_needs_sign_in(api, client):
    assert put(api, "internal_codes", REGIONS | {"public": False}).status_code == 201
    assert client.get("/api/v1/classifiers/internal_codes").status_code == 401
    assert "internal_codes" not in {entry["name"] for entry in client.get("/api/v1/classifiers").json}
    assert api.get("/api/v1/classifiers/internal_codes", as_user="clerk").status_code == 200
    assert "internal_codes" in {entry["name"] for entry in api.get("/api/v1/classifiers", as_user="clerk").json}


def test_a_code_reads_as_it_was_on_a_date_and_in_a_past_version(api, client, regions):
    renamed = json.loads(json.dumps(REGIONS))
    renamed["entries"][1]["name_en"] = "New region"
    response = put(api, "region", renamed)
    assert (response.status_code, response.json["version"]) == (200, 2)
    last_year = client.get("/api/v1/classifiers/region?at=2025-06-01").json
    assert [(e["code"], e["name_en"]) for e in last_year["entries"]] == [("OLD", "Old")]
    today = client.get("/api/v1/classifiers/region?at=2027-01-04").json
    assert [(e["code"], e["name_en"]) for e in today["entries"]] == [("NEW", "New region")]
    first = client.get("/api/v1/classifiers/region?version=1").json
    assert [e["name_en"] for e in first["entries"]] == ["Old", "New"]
    versions = api.get("/api/v1/classifiers/region/versions").json
    assert [(v["version"], v["created_by"]) for v in versions] == [(1, "admin"), (2, "admin")]


def test_publishing_the_same_list_again_adds_no_version(api, regions):
    again = put(api, "region", REGIONS)
    assert (again.status_code, again.json["version"]) == (200, 1)
    events = api.get("/api/v1/audit?kind=change").json
    changes = [e for e in events if e["event"] == "classifier_changed"]
    assert [(e["actor"], e["data"]["name"], e["data"]["version"]) for e in changes] == [("admin", "region", 1)]


@pytest.mark.parametrize(("body", "field"), [
    (REGIONS | {"entries": REGIONS["entries"] + [{"code": "NEW", "name_lv": "x", "name_en": "x"}]}, "/entries/2/code"),
    (REGIONS | {"entries": [{"code": "A", "name_lv": "a", "name_en": "a", "valid_from": "2026-02-30"}]}, "/entries/0/valid_from"),
    (REGIONS | {"entries": [{"code": "A", "name_lv": "a", "name_en": "a", "valid_from": "2026-02-01",
                             "valid_to": "2026-01-01"}]}, "/entries/0/valid_to"),
    (REGIONS | {"entries": [{"code": "A B", "name_lv": "a", "name_en": "a"}]}, "/entries/0/code"),
    (REGIONS | {"entries": [{"code": "A", "name_lv": "", "name_en": "a"}]}, "/entries/0/name_lv"),
    (REGIONS | {"title_en": " "}, "/title_en"),
])
def test_a_bad_list_is_refused_naming_the_field_and_nothing_is_stored(api, client, body, field):
    response = put(api, "region", body)
    assert response.status_code == 422, response.json
    assert field in [error["field"] for error in response.json["errors"]]
    assert client.get("/api/v1/classifiers/region").status_code == 404


def test_who_may_change_a_list(api, client):
    assert client.put("/api/v1/classifiers/region", json=REGIONS).status_code == 401
    assert put(api, "region", REGIONS, as_user="clerk").status_code == 403
    assert put(api, "institution", REGIONS).status_code == 409  # the directory owns it
    assert put(api, "Bad-Name", REGIONS).status_code == 422


def _deploy_bound_form(api, form=FORM):
    p = ProcessBuilder("bound")
    p.start()
    p.user_task("pick", "Pick", lane="Clerk", form="pick.json")
    p.end()
    p.chain("start", "pick", "end")
    return api.deploy({"bound.bpmn": p.xml(), "pick.json": json.dumps(form)})


def test_a_bound_field_takes_only_codes_valid_today_and_offers_them_in_the_readers_language(api, regions):
    assert _deploy_bound_form(api).status_code == 201
    task = api.ready_tasks(api.start("bound").json["id"])[0]
    shown = api.get(f"/api/v1/tasks/{task['id']}", as_user="clerk").json["form_schema"]
    assert shown["properties"]["region"]["oneOf"] == [{"const": "NEW", "title": "New"}]
    in_latvian = api.client.get(f"/api/v1/tasks/{task['id']}", headers=api.headers("clerk") | {"Accept-Language": "lv"})
    assert in_latvian.json["form_schema"]["properties"]["region"]["oneOf"] == [{"const": "NEW", "title": "Jaunais"}]

    refused = api.complete(task["id"], {"region": "OLD"}, as_user="clerk")
    assert refused.status_code == 422
    assert refused.json["errors"] == [{"field": "/region",
                                       "message": "'OLD' is not a valid code of the list 'region': choose one from the list"}]
    assert api.complete(task["id"], {"region": "NEW"}, as_user="clerk").status_code == 200


def test_deployment_refuses_a_form_naming_an_unknown_classifier(api):
    response = _deploy_bound_form(api, FORM | {"properties": {"region": {"type": "string", "x-classifier": "nope"}}})
    assert response.status_code == 422
    messages = [problem["message"] for problem in response.json["errors"]]
    assert any("'nope', which does not exist" in message for message in messages), messages


def test_cli_export_and_import_round_trip(api, regions, tmp_path):
    runner = api.app.test_cli_runner()
    exported = tmp_path / "region.json"
    assert runner.invoke(args=["classifiers", "export", "region", "-o", str(exported)]).exit_code == 0
    unchanged = runner.invoke(args=["classifiers", "import", str(exported)])
    assert (unchanged.exit_code, unchanged.output.strip()) == (0, "region: unchanged (version 1)")

    as_csv = tmp_path / "districts.csv"
    assert runner.invoke(args=["classifiers", "export", "region", "--format", "csv", "-o", str(as_csv)]).exit_code == 0
    created = runner.invoke(args=["classifiers", "import", str(as_csv), "--title-lv", "Rajoni", "--title-en",
                                  "Districts", "--source", "copied from region"])
    assert created.exit_code == 0, created.output
    copy = api.get("/api/v1/classifiers/districts").json
    assert copy["entries"] == api.get("/api/v1/classifiers/region").json["entries"]


@pytest.mark.parametrize(("content", "suffix", "args", "complaint"), [
    (None, ".json", [], "cannot be read"),
    ("{not json", ".json", [], "is not JSON"),
    ("code;name\nA;a\n", ".csv", ["--title-lv", "x", "--title-en", "x", "--source", "x"], "the CSV header lacks"),
    ("code,name_lv,name_en\nA,a,a\n", ".csv", [], "give --title-lv, --title-en and --source"),
    ("code,name_lv,name_en\nA,a,a\nA,b,b\n", ".csv", ["--title-lv", "x", "--title-en", "x", "--source", "x"],
     "/entries/1/code"),
])
def test_cli_import_refuses_bad_files_with_a_sentence(api, tmp_path, content, suffix, args, complaint):
    path = tmp_path / f"things{suffix}"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = api.app.test_cli_runner().invoke(args=["classifiers", "import", str(path), *args])
    assert result.exit_code == 2
    assert complaint in result.output
    assert api.get("/api/v1/classifiers/things").status_code == 404


def test_a_refused_code_is_explained_in_latvian_by_default(api, regions):
    assert _deploy_bound_form(api).status_code == 201
    task = api.ready_tasks(api.start("bound").json["id"])[0]
    refused = api.client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"region": "OLD"}},
                              headers=api.headers("clerk") | {"Accept-Language": "lv"})
    assert refused.json["errors"] == [{"field": "/region",
                                       "message": "'OLD' nav derīgs saraksta 'region' kods: izvēlieties kodu no saraksta"}]


@pytest.mark.parametrize("query", ["version=null&version=null", "version=abc", "at=2026-02-30"])
def test_a_malformed_query_on_a_public_list_is_422_without_sign_in(client, query):
    response = client.get(f"/api/v1/classifiers/criminal_law_article?{query}")
    assert response.status_code == 422
