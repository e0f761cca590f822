"""The bundled forms are Latvian with English beside every label, served and checked in each language."""

from __future__ import annotations

import json

import pytest

from engine.form_language import localised
from tests.bpmn.conftest import REPO
from tests.bpmn.test_state_compensation_claim import APPLICATION, CLAIM, PROCESS

LABELS = ("title", "description", "ui:help", "ui:placeholder", "ui:description")
SAME_IN_BOTH = {"Rīga", "Vidzeme", "Kurzeme", "Zemgale", "Latgale", "1250.00"}
FORM_FILES = sorted((REPO / "forms").glob("*.json"))


def labels(node, where=""):
    """(JSON Pointer, key, text, English text or None) for every label of a form."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in LABELS and isinstance(value, str):
                yield where, key, value, node.get(f"x-{key}-en")
            elif key not in ("const", "enum", "default", "examples"):
                yield from labels(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from labels(item, f"{where}/{i}")


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_every_label_of_a_bundled_form_is_latvian_with_its_english_beside_it(path):
    form = json.loads(path.read_text(encoding="utf-8"))
    missing = [(where, key) for where, key, text, english in labels(form)
               if english is None and text not in SAME_IN_BOTH]
    assert missing == []
    assert all(english != text for _, _, text, english in labels(form) if english is not None)


def request(api, method: str, path: str, language: str, **kw):
    return api.client.open(path, method=method, headers={**api.headers("clerk"), "Accept-Language": language}, **kw)


@pytest.mark.parametrize(
    ("language", "title", "role", "victim", "help_", "death", "errors"),
    [
        ("lv", "Reģistrēt pieteikumu", "Pieteicējs ir", "Cietušais", "Pieteikums jāiesniedz 3 gadu laikā no šī datuma.",
         "Nāve",
         [{"field": "/claim_received_on", "message": "datums neeksistē"},
          {"field": "/claimed_amount", "message": "Ievadiet eiro un centus, atdalot tos ar punktu, piemēram, 1250.00."},
          {"field": "/harm", "message": "'robbery' nav derīgs saraksta 'harm_category' kods: izvēlieties kodu no saraksta"},
          {"field": "/victim_recognised_on", "message": "ievadiet datumu formā GGGG-MM-DD"}]),
        ("en", "Register the claim", "The applicant is", "The victim", "The claim must be made within 3 years of this date.",
         "Death",
         [{"field": "/claim_received_on", "message": "this date does not exist"},
          {"field": "/claimed_amount", "message": "Enter euros and cents with a point, e.g. 1250.00."},
          {"field": "/harm", "message": "'robbery' is not a valid code of the list 'harm_category': choose one from the list"},
          {"field": "/victim_recognised_on", "message": "enter the date as YYYY-MM-DD"}]),
    ],
)
def test_the_claim_form_round_trip_in_each_language(api, start, language, title, role, victim, help_, death, errors):
    case = start(PROCESS, as_user="clerk", data=APPLICATION)
    task = case.task("register_claim")
    shown = request(api, "GET", f"/api/v1/tasks/{task['id']}", language).json
    form, ui = shown["form_schema"], shown["ui_schema"]
    raw = json.loads((REPO / "forms" / "state_compensation_claim.register.json").read_text(encoding="utf-8"))
    # The harm is the harm_category classifier's codes today, offered in the reader's language.
    harms = form["properties"]["harm"].pop("oneOf")
    assert harms[0] == {"const": "death", "title": death} and harms[-1]["const"] == "other" and len(harms) == 8
    assert form == localised(raw, language)
    assert form["title"] == title
    assert form["properties"]["applicant_role"]["title"] == role
    assert form["properties"]["applicant_role"]["oneOf"][0] == {"const": "victim", "title": victim}
    assert ui["victim_recognised_on"]["ui:help"] == help_

    wrong = {**CLAIM, "claim_received_on": "2026-02-31", "claimed_amount": "10000,00", "harm": "robbery",
             "victim_recognised_on": "02.03.2026"}
    response = request(api, "POST", f"/api/v1/tasks/{task['id']}/complete", language, json={"data": wrong})
    assert response.status_code == 422
    assert response.json["errors"] == errors
    response = request(api, "POST", f"/api/v1/tasks/{task['id']}/complete", language, json={"data": CLAIM})
    assert response.status_code == 200, response.json
    assert {k: case.data[k] for k in CLAIM} == CLAIM
