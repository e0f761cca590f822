"""What the task page can show: every bundled form and UI schema passes; the rest is named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.form_keywords import FIELD_UNKNOWN, NOT_SHOWN, WIDGET_MISMATCH, schema_problems, ui_problems

FORMS = Path(__file__).resolve().parents[2] / "forms"
BUNDLED = sorted(p for p in FORMS.glob("*.json") if not p.name.endswith(".ui.json"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_form_can_be_shown(path):
    schema = json.loads(path.read_text())
    ui_path = path.with_name(path.name[: -len(".json")] + ".ui.json")
    assert schema_problems(schema) == []
    assert ui_problems(json.loads(ui_path.read_text()) if ui_path.exists() else {}, schema) == []


def test_conditions_may_use_any_keyword_but_fields_may_not():
    schema = {"type": "object", "properties": {"a": {"type": "string", "not": {"anyOf": [{"const": "x"}]},
                                                     "x-money": False}},
              "if": {"anyOf": [{"required": ["a"]}]}, "then": {"required": ["a"]}}
    assert schema_problems(schema) == []
    found = schema_problems({"type": "object", "properties": {"a": {"type": "string", "contentMediaType": "x"}}})
    assert found == [("/properties/a/contentMediaType", NOT_SHOWN, found[0][2])]
    assert found[0][2]["keyword"] == "contentMediaType"


def test_a_then_branch_naming_a_field_not_shown_is_found():
    schema = {"type": "object", "properties": {"a": {"type": "boolean"}},
              "allOf": [{"if": {"properties": {"a": {"const": True}}}, "then": {"required": ["b"]}}]}
    assert schema_problems(schema) == [("/allOf/0/then", FIELD_UNKNOWN, {"pointer": "/allOf/0/then", "name": "b"})]


def test_a_widget_must_fit_its_field():
    schema = {"type": "object", "properties": {"n": {"type": "integer"}, "b": {"type": "boolean"}}}
    assert ui_problems({"n": {"ui:widget": "updown"}, "b": {"ui:widget": "radio"}}, schema) == []
    [(pointer, template, params)] = ui_problems({"n": {"ui:widget": "date"}}, schema)
    assert (pointer, template, params["kind"]) == ("/n/ui:widget", WIDGET_MISMATCH, "integer")
