"""Migration 0015 re-codes the court territories (`Rīga` → `riga`): the classifier gains a version
that still reads the old codes on earlier dates, and the resource records follow the new codes;
the downgrade puts both back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.classifier_seed import starter_lists

MIGRATIONS = str(Path(__file__).parents[2] / "webapp" / "migrations")
NAMES = ["Rīga", "Kurzeme", "Zemgale", "Vidzeme", "Latgale"]
CODES = ["riga", "kurzeme", "zemgale", "vidzeme", "latgale"]


def _stored(app) -> tuple[list, list]:
    from webapp.extensions import db

    with app.app_context():
        advocates = db.session.execute(text("SELECT territories FROM advocates ORDER BY code")).scalars().all()
        prosecutors = db.session.execute(text("SELECT regions FROM prosecutors ORDER BY code")).scalars().all()
        db.session.remove()
    # SQLite hands JSON columns back as text, PostgreSQL as lists.
    return [json.loads(v) if isinstance(v, str) else v for v in advocates], \
        [json.loads(v) if isinstance(v, str) else v for v in prosecutors]


def _migrate(app, revision: str, up: bool) -> None:
    from flask_migrate import downgrade, upgrade

    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        (upgrade if up else downgrade)(directory=MIGRATIONS, revision=revision)
        db.session.remove()


def _codes(api, day: str) -> list[str]:
    response = api.get(f"/api/v1/classifiers/court_territory?at={day}")
    assert response.status_code == 200, response.json
    return [entry["code"] for entry in response.json["entries"]]


def test_version_1_is_the_starter_list_with_the_names_as_codes():
    [territories] = [listing for listing in starter_lists() if listing["name"] == "court_territory"]
    assert [entry["code"] for entry in territories["entries"]] == NAMES


def test_the_codes_change_on_the_day_and_earlier_dates_still_read_the_old_ones(api):
    listing = api.get("/api/v1/classifiers/court_territory").json
    assert listing["version"] == 2
    assert _codes(api, "2026-11-30") == NAMES
    assert _codes(api, "2026-12-01") == CODES
    first = api.get("/api/v1/classifiers/court_territory?version=1").json
    assert [entry["code"] for entry in first["entries"]] == NAMES


@pytest.mark.parametrize("spelling", ["Rīga", "riga", "RIGA"])
def test_resources_store_the_new_code_whatever_the_spelling(api, spelling):
    created = api.post("/api/v1/advocates", json={"code": "adv-1", "full_name": "Ilze Kalniņa",
                                                   "territories": [spelling, "Latgale"], "languages": ["lv"]})
    assert created.status_code == 201, created.json
    assert created.json["territories"] == ["latgale", "riga"]


def test_downgrade_and_upgrade_rewrite_the_resource_records(app, api):
    assert api.post("/api/v1/advocates", json={"code": "adv-1", "full_name": "Ilze Kalniņa",
                                               "territories": ["riga", "zemgale"], "languages": ["lv"]}).status_code == 201
    assert api.post("/api/v1/prosecutors", json={"code": "pro-1", "full_name": "Jānis Ozoliņš",
                                                 "regions": ["latgale"]}).status_code == 201
    _migrate(app, "0014", up=False)
    assert _stored(app) == ([["Rīga", "Zemgale"]], [["Latgale"]])
    _migrate(app, "head", up=True)
    assert _stored(app) == ([["riga", "zemgale"]], [["latgale"]])
    assert _codes(api, "2027-01-04") == CODES


def _properties(schema):
    """Every (name, property schema) of a JSON schema, nested objects and arrays included."""
    if isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            yield name, prop
            yield from _properties(prop)
        for key in ("items", "then", "else"):
            yield from _properties(schema.get(key))
        for key in ("allOf", "anyOf", "oneOf"):
            for part in schema.get(key) or []:
                yield from _properties(part)


BUNDLE = Path(__file__).parents[2]


def test_bundled_forms_bind_territories_to_the_classifier():
    bound = {}
    for form in sorted((BUNDLE / "forms").glob("*.json")):
        for name, prop in _properties(json.loads(form.read_text(encoding="utf-8"))):
            if name == "court_territory":
                bound[form.name] = prop
    assert bound, "no bundled form asks for a court territory"
    assert {name: prop.get("x-classifier") for name, prop in bound.items()} == dict.fromkeys(bound, "court_territory")
    assert not [name for name, prop in bound.items() if "enum" in prop or "oneOf" in prop]


def test_messages_carry_todays_territory_codes(api):
    catalogue = json.loads((BUNDLE / "bpmn" / "messages.json").read_text(encoding="utf-8"))
    enums = [prop["enum"] for message in catalogue.values()
             for name, prop in _properties(message.get("payload_schema")) if name == "court_territory"]
    assert enums and all(sorted(enum) == sorted(_codes(api, "2027-01-04")) for enum in enums)
