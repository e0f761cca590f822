"""Deployment refuses a form, or a UI schema, that the server-rendered task page cannot show,
through the real deployment API, with the place and keyword named in the reader's language."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.support.bpmn_builder import ProcessBuilder

FORMS = Path(__file__).resolve().parents[2] / "forms"
NOTE = {"type": "string", "title": "Piezīme", "x-title-en": "Note"}


def process_with(form="decide.json", ui_form=None):
    p = ProcessBuilder("formed")
    p.start()
    p.user_task("decide", "Decide", lane="Clerk", form=form, ui_form=ui_form)
    p.end()
    p.chain("start", "decide", "end")
    return p.xml()


def deploy(api, files, language="en"):
    data = {"files": [(io.BytesIO(c.encode()), name) for name, c in files.items()]}
    return api.client.post("/api/v1/deployments", data=data, content_type="multipart/form-data",
                           headers={**api.headers("analyst"), "Accept-Language": language})


UNSHOWABLE = [
    ({"type": "object", "properties": {"note": {"anyOf": [NOTE, {"type": "integer"}]}}},
     "/properties/note/anyOf", "anyOf"),
    ({"type": "object", "patternProperties": {"^x_": NOTE}}, "/patternProperties", "patternProperties"),
    ({"type": "object", "properties": {"note": {"type": ["string", "null"]}}}, "/properties/note/type", "null"),
    ({"type": "object", "properties": {"pick": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
     "/properties/pick/oneOf/0", "oneOf"),
    ({"type": "object", "additionalProperties": NOTE}, "/additionalProperties", "additionalProperties"),
    ({"type": "object", "properties": {"note": NOTE},
      "if": {"properties": {"note": {"const": "x"}}}, "then": {"required": ["secret"]}}, "/then", "secret"),
]


@pytest.mark.parametrize("form, pointer, word", UNSHOWABLE, ids=[u[2] for u in UNSHOWABLE])
def test_a_form_the_task_page_cannot_show_is_refused(api, form, pointer, word):
    response = deploy(api, {"formed.bpmn": process_with(), "decide.json": json.dumps(form)})
    assert response.status_code == 422, response.json
    found = [e for e in response.json["errors"] if e["file"] == "decide.json"]
    assert found, response.json
    assert any(f"at {pointer}" in e["message"] and word in e["message"] for e in found), found


UNSHOWABLE_UI = [
    ({"note": {"ui:widget": "colour"}}, "/note/ui:widget", "colour"),
    ({"note": {"ui:widget": "checkboxes"}}, "/note/ui:widget", "checkboxes"),
    ({"note": {"ui:field": "custom"}}, "/note/ui:field", "ui:field"),
    ({"ui:order": ["note", "missing"]}, "/ui:order", "missing"),
    ({"other": {"ui:widget": "textarea"}}, "/other", "other"),
]


@pytest.mark.parametrize("ui, pointer, word", UNSHOWABLE_UI, ids=[u[2] for u in UNSHOWABLE_UI])
def test_a_ui_schema_the_task_page_cannot_show_is_refused(api, ui, pointer, word):
    form = {"type": "object", "properties": {"note": NOTE}}
    response = deploy(api, {"formed.bpmn": process_with(ui_form="decide.ui.json"), "decide.json": json.dumps(form),
                            "decide.ui.json": json.dumps(ui)})
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["file"] == "decide.ui.json" and problem["element"] == "decide"
    assert f"at {pointer}" in problem["message"] and word in problem["message"], problem


def test_the_refusal_is_said_in_latvian_too(api):
    form = {"type": "object", "properties": {"note": {"anyOf": [NOTE]}}}
    response = deploy(api, {"formed.bpmn": process_with(), "decide.json": json.dumps(form)}, language="lv")
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["message"].startswith("vietā /properties/note/anyOf: atslēgvārdu 'anyOf' uzdevuma lapā nevar")


def test_a_showable_form_with_its_ui_schema_deploys(api):
    schema = (FORMS / "legal_aid_appointment.request.json").read_text()
    ui = (FORMS / "legal_aid_appointment.request.ui.json").read_text()
    response = deploy(api, {"formed.bpmn": process_with(ui_form="decide.ui.json"), "decide.json": schema,
                            "decide.ui.json": ui})
    assert response.status_code == 201, response.json
