"""The staff pages offer a classifier-bound field as a choice of today's codes in the reader's
language, and refuse a withdrawn code at the field (the engine's own check)."""

from __future__ import annotations

import json

import lxml.html
import pytest

from tests.support.bpmn_builder import ProcessBuilder
from tests.webapp.pages_support import csrf_of, sign_in

REGIONS = {
    "title_lv": "Reģioni", "title_en": "Regions", "source": "test list", "verified": True, "public": True,
    "entries": [
        {"code": "OLD", "name_lv": "Vecais", "name_en": "Old", "valid_from": None, "valid_to": "2026-01-01"},
        {"code": "NEW", "name_lv": "Jaunais", "name_en": "New", "valid_from": "2026-01-01", "valid_to": None},
        {"code": "SEA", "name_lv": "Piejūra", "name_en": "Seaside", "valid_from": "2026-01-01", "valid_to": None},
    ],
}
FORM = {"type": "object", "required": ["region"],
        "properties": {"region": {"type": "string", "title": "Reģions", "x-title-en": "Region", "x-classifier": "region"}}}
UI = {"region": {"ui:widget": "select"}}


@pytest.fixture
def bound(api):
    response = api.client.put("/api/v1/classifiers/region", headers=api.headers("admin"), json=REGIONS)
    assert response.status_code == 201, response.json
    p = ProcessBuilder("bound", name="Bound")
    p.start(lane="Clerk", form="bound.start.json", ui_form="bound.start.ui.json")
    p.user_task("pick", "Pick", lane="Clerk", form="pick.json", ui_form="pick.ui.json")
    p.end()
    p.chain("start", "pick", "end")
    files = {"bound.bpmn": p.xml(), "pick.json": json.dumps(FORM), "pick.ui.json": json.dumps(UI),
             "bound.start.json": json.dumps(FORM), "bound.start.ui.json": json.dumps({})}
    response = api.deploy(files)  # the select widget on a bound field is accepted at deployment
    assert response.status_code == 201, response.json


def options(response) -> list[tuple[str, str]]:
    page = lxml.html.fromstring(response.get_data(as_text=True))
    return [(o.get("value"), o.text_content().strip()) for o in page.xpath("//select[@name='region']/option")
            if o.get("value")]


def radios(response) -> list[tuple[str, str]]:
    page = lxml.html.fromstring(response.get_data(as_text=True))
    return [(i.get("value"), page.xpath("//label[@for=$id]", id=i.get("id"))[0].text_content().strip())
            for i in page.xpath("//input[@type='radio'][@name='region']")]


def signed_in(api, language: str):
    client = api.app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    sign_in(client, "clerk")
    return client


@pytest.mark.parametrize(("language", "shown"), [("en", [("NEW", "New"), ("SEA", "Seaside")]),
                                                 ("lv", [("NEW", "Jaunais"), ("SEA", "Piejūra")])])
def test_the_task_page_offers_todays_codes_in_the_readers_language(api, bound, language, shown):
    case = api.start("bound", as_user="clerk", data={"region": "NEW"})
    assert case.status_code == 201, case.json
    task = api.ready_tasks(case.json["id"], as_user="clerk")[0]
    page = signed_in(api, language).get(f"/tasks/{task['id']}")
    assert page.status_code == 200
    assert options(page) == shown  # OLD, withdrawn at the end of 2025, is not offered


@pytest.mark.parametrize(("language", "shown"), [("en", [("NEW", "New"), ("SEA", "Seaside")]),
                                                 ("lv", [("NEW", "Jaunais"), ("SEA", "Piejūra")])])
def test_the_start_page_offers_todays_codes_in_the_readers_language(api, bound, language, shown):
    page = signed_in(api, language).get("/start/bound")
    assert page.status_code == 200
    assert radios(page) == shown  # two choices: radio buttons


def test_a_withdrawn_code_is_refused_at_the_field_and_a_current_one_is_taken(api, bound):
    case = api.start("bound", as_user="clerk", data={"region": "NEW"})
    task = api.ready_tasks(case.json["id"], as_user="clerk")[0]
    client = signed_in(api, "en")
    token = csrf_of(client.get(f"/tasks/{task['id']}"))
    refused = client.post(f"/tasks/{task['id']}", data={"csrf_token": token, "region": "OLD", "action": "submit"})
    assert refused.status_code == 422
    page = lxml.html.fromstring(refused.get_data(as_text=True))
    select = page.xpath("//select[@name='region']")[0]
    assert select.get("aria-invalid") == "true"
    error = page.get_element_by_id(select.get("aria-describedby").split()[0])
    assert error.text_content() == "'OLD' is not a valid code of the list 'region': choose one from the list"
    taken = client.post(f"/tasks/{task['id']}", data={"csrf_token": token, "region": "SEA", "action": "submit"})
    assert taken.status_code == 302
    assert api.ready_tasks(case.json["id"], as_user="clerk") == []


def test_a_withdrawn_code_is_refused_on_the_start_page(api, bound):
    client = signed_in(api, "lv")
    token = csrf_of(client.get("/start/bound"))
    refused = client.post("/start/bound", data={"csrf_token": token, "region": "OLD", "action": "submit"})
    assert refused.status_code == 422
    page = lxml.html.fromstring(refused.get_data(as_text=True))
    radio = page.xpath("//input[@name='region']")[0]
    assert radio.get("aria-invalid") == "true"
    error = page.get_element_by_id(radio.get("aria-describedby").split()[0])
    assert error.text_content() == "'OLD' nav derīgs saraksta 'region' kods: izvēlieties kodu no saraksta"
