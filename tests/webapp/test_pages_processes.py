"""The process analysts' pages: the processes with their versions and running cases, a
version's diagram and counts, the modeler and its check and deploy routes (cookie + CSRF)."""

from __future__ import annotations

import re

import pytest

from tests.support.bpmn_builder import linear_process
from tests.webapp.pages_support import csrf_of, sign_in
from tests.webapp.test_deployments import with_form, with_script


@pytest.fixture
def analyst(api, client):
    assert api.deploy({"linear.bpmn": linear_process(tasks=2)}).status_code == 201
    assert api.deploy({"linear.bpmn": linear_process(tasks=3)}).status_code == 201
    assert api.start("linear").status_code == 201
    sign_in(client, "analyst")
    return client


def csrf(client) -> str:
    return csrf_of(client.get("/modeler"))


def test_the_process_list_shows_versions_with_their_running_cases(analyst):
    page = analyst.get("/processes")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    rows = re.findall(r'data-process="linear" data-version="(\d+)">.*?class="running">(\d+)<', text, re.S)
    assert rows == [("2", "1"), ("1", "0")]
    assert "/modeler?from=linear&amp;version=1" in text
    assert page.headers["Content-Security-Policy"].count("'unsafe-inline'") == 0


def test_a_version_page_and_its_counts_and_bpmn(analyst, api):
    assert analyst.get("/processes/linear/2").status_code == 200
    counts = analyst.get("/processes/linear/2/element-counts.json")
    assert counts.json == api.get("/api/v1/process-definitions/linear/versions/2/element-counts").json == {"task_1": 1}
    download = analyst.get("/processes/linear/2/diagram.bpmn?download=1")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert 'id="task_3"' in download.get_data(as_text=True)
    assert analyst.get("/processes/linear/9").status_code == 404


def test_only_the_modeler_relaxes_style_src(analyst):
    page = analyst.get("/modeler?from=linear&version=1")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy


@pytest.mark.parametrize("path", ["/processes", "/processes/linear/1", "/modeler", "/modeler/choices.json",
                                  "/processes/linear/1/element-counts.json", "/processes/linear/1/diagram.bpmn"])
def test_the_pages_are_refused_to_a_clerk(api, client, path):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    sign_in(client, "clerk")
    assert client.get(path).status_code == 403


def test_the_choices_list_forms_operations_messages_and_roles(analyst, api):
    assert api.deploy({"formed.bpmn": with_form(), "decide.json": '{"type": "object"}'}).status_code == 201
    body = analyst.get("/modeler/choices.json").json
    assert body["forms"] == ["decide.json"]
    assert "clerk" in {role["code"] for role in body["roles"]}
    assert isinstance(body["operations"], list) and isinstance(body["messages"], list)


def test_check_stores_nothing_and_deploy_makes_a_new_version(analyst, api):
    token = csrf(analyst)
    xml = linear_process(tasks=4)
    body = {"xml": xml, "source": {"process_id": "linear", "version": 2}}
    checked = analyst.post("/modeler/check", json=body, headers={"X-CSRFToken": token})
    assert checked.status_code == 200, checked.json
    assert checked.json["processes"] == [{"process_id": "linear", "version": 3, "new": True}]
    assert [d["version"] for d in api.get("/api/v1/process-definitions").json] == [1, 2]
    deployed = analyst.post("/modeler/deploy", json=body, headers={"X-CSRFToken": token})
    assert deployed.status_code == 201, deployed.json
    assert [d["version"] for d in api.get("/api/v1/process-definitions").json] == [1, 2, 3]


def test_a_copy_keeps_the_forms_of_its_bundle(analyst, api):
    assert api.deploy({"formed.bpmn": with_form(), "decide.json": '{"type": "object"}'}).status_code == 201
    token = csrf(analyst)
    edited = with_form().replace('name="Decide"', 'name="Decide again"')
    answer = analyst.post("/modeler/check", json={"xml": edited, "source": {"process_id": "formed", "version": 1}},
                          headers={"X-CSRFToken": token})
    assert answer.status_code == 200, answer.json
    new = analyst.post("/modeler/check", json={"xml": edited}, headers={"X-CSRFToken": token})
    assert new.status_code == 200, new.json  # a new diagram gets the deployed form it names


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"xml": ""}, 422),
        ({"xml": "<bpmn:definitions"}, 422),
        ({"xml": linear_process(), "source": {"process_id": "linear", "version": "2"}}, 422),
        ({"xml": linear_process(), "source": {"process_id": "linear", "version": 7}}, 404),
        (["not", "an", "object"], 422),
    ],
    ids=["empty", "malformed", "version-not-int", "unknown-version", "not-an-object"],
)
def test_bad_bodies_are_clear_json_errors(analyst, body, status):
    answer = analyst.post("/modeler/check", json=body, headers={"X-CSRFToken": csrf(analyst)})
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert set(answer.json) == {"message", "errors"}


def test_a_problem_names_its_element(analyst):
    xml = with_script("x = ().__class__.__base__.__subclasses__()")
    answer = analyst.post("/modeler/check", json={"xml": xml}, headers={"X-CSRFToken": csrf(analyst)})
    assert answer.status_code == 422
    assert answer.json["errors"][0]["element"] == "compute"
    assert answer.json["errors"][0]["file"] == "scripted.bpmn"


def test_check_without_the_csrf_token_is_refused(analyst, api):
    answer = analyst.post("/modeler/deploy", json={"xml": linear_process(tasks=4)})
    assert answer.status_code == 400
    assert [d["version"] for d in api.get("/api/v1/process-definitions").json] == [1, 2]
