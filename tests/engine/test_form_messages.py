"""Form field errors are built from the failing keyword and the form's own values (a message id and
parameters the web layer translates), formats are enforced, and a form is shown in one language."""

from __future__ import annotations

import copy
import json

import pytest

from engine.form_language import localised
from engine.form_rules import form_problems
from engine.forms import FormValidator

FORM = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 5},
        "code": {"type": "string", "minLength": 3},
        "count": {"type": "integer", "minimum": 1, "maximum": 10},
        "share": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "multipleOf": 0.5},
        "kind": {"type": "string", "oneOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"}]},
        "colour": {"enum": ["red", "green"]},
        "agreed": {"const": True},
        "amount": {"type": "string", "pattern": r"^\d+\.\d{2}$", "not": {"pattern": r"^0+\.00$"}},
        "letters": {"type": "string", "pattern": "^[a-z]+$", "x-pattern-message": "tikai mazie burti",
                    "x-pattern-message-en": "lower-case letters only"},
        "on": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "at": {"type": "string", "format": "date-time"},
        "mail": {"type": "string", "format": "email"},
        "documents": {"type": "array", "minItems": 1, "maxItems": 2, "uniqueItems": True, "items": {"type": "string"}},
        "refused": {"type": "boolean"},
        "reason": {"type": "string"},
    },
    "if": {"properties": {"refused": {"const": True}}, "required": ["refused"]},
    "then": {"required": ["reason"]},
}


@pytest.mark.parametrize(
    ("data", "field", "template", "params", "message"),
    [
        ({}, "/name", "this field is required", {}, "this field is required"),
        ({"name": "a", "refused": True}, "/reason", "this field is required", {}, "this field is required"),
        ({"name": 5}, "/name", "the value must be text", {}, "the value must be text"),
        ({"name": "a", "count": 1.5}, "/count", "the value must be a whole number", {}, "the value must be a whole number"),
        ({"name": "a", "refused": "yes"}, "/refused", "the value must be yes or no (true or false)", {},
         "the value must be yes or no (true or false)"),
        ({"name": ""}, "/name", "the field must not be empty", {}, "the field must not be empty"),
        ({"name": "a", "code": "ab"}, "/code", "the text must be at least %(limit)s characters long", {"limit": "3"},
         "the text must be at least 3 characters long"),
        ({"name": "abcdef"}, "/name", "the text must be at most %(limit)s characters long", {"limit": "5"},
         "the text must be at most 5 characters long"),
        ({"name": "a", "count": 0}, "/count", "the value must be at least %(limit)s", {"limit": "1"},
         "the value must be at least 1"),
        ({"name": "a", "count": 11}, "/count", "the value must be at most %(limit)s", {"limit": "10"},
         "the value must be at most 10"),
        ({"name": "a", "share": 0}, "/share", "the value must be greater than %(limit)s", {"limit": "0"},
         "the value must be greater than 0"),
        ({"name": "a", "share": 1}, "/share", "the value must be less than %(limit)s", {"limit": "1"},
         "the value must be less than 1"),
        ({"name": "a", "kind": "c"}, "/kind", "choose one of the allowed values", {}, "choose one of the allowed values"),
        ({"name": "a", "colour": "blue"}, "/colour", "choose one of the allowed values", {},
         "choose one of the allowed values"),
        ({"name": "a", "agreed": False}, "/agreed", "choose one of the allowed values", {},
         "choose one of the allowed values"),
        ({"name": "a", "amount": "12,50"}, "/amount", "the value does not have the expected form", {},
         "the value does not have the expected form"),
        ({"name": "a", "amount": "0.00"}, "/amount", "this value is not allowed", {}, "this value is not allowed"),
        ({"name": "a", "documents": []}, "/documents", "choose or enter at least %(limit)s items", {"limit": "1"},
         "choose or enter at least 1 items"),
        ({"name": "a", "documents": ["x", "y", "z"]}, "/documents", "choose or enter at most %(limit)s items",
         {"limit": "2"}, "choose or enter at most 2 items"),
        ({"name": "a", "documents": ["x", "x"]}, "/documents", "each value may be given only once", {},
         "each value may be given only once"),
        ({"name": "a", "extra": 1}, "/extra", "this field is not part of the form", {},
         "this field is not part of the form"),
        ({"name": "a", "on": "02.03.2026"}, "/on", "enter the date as YYYY-MM-DD", {}, "enter the date as YYYY-MM-DD"),
        ({"name": "a", "on": "2026-02-31"}, "/on", "this date does not exist", {}, "this date does not exist"),
        ({"name": "a", "mail": "someone@"}, "/mail", "enter a valid e-mail address", {}, "enter a valid e-mail address"),
    ],
    ids=["required", "required-when", "type-string", "type-integer", "type-boolean", "not-empty", "minLength",
         "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "oneOf-const", "enum", "const",
         "pattern", "not", "minItems", "maxItems", "uniqueItems", "unknown-field", "date-form", "date-impossible",
         "email"],
)
def test_each_keyword_gives_one_sentence_with_its_bound_never_jsonschema_text(data, field, template, params, message):
    errors = FormValidator(FORM).errors(data)
    assert errors == [{"field": field, "message": message, "template": template, "params": params}]


def test_a_forms_own_pattern_message_is_carried_in_both_languages():
    errors = FormValidator(FORM).errors({"name": "a", "letters": "ABC"})
    assert errors == [{"field": "/letters", "message": "tikai mazie burti",
                       "texts": {"lv": "tikai mazie burti", "en": "lower-case letters only"}}]


def test_a_wrong_date_is_told_once_by_its_format_not_again_by_its_pattern():
    assert [e["message"] for e in FormValidator(FORM).errors({"name": "a", "on": "2026-2-3"})] == [
        "enter the date as YYYY-MM-DD"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-28", None), ("2028-02-29", None), ("2027-02-29", "this date does not exist"),
        ("2026-04-31", "this date does not exist"), ("2026-13-01", "this date does not exist"),
        ("2026-00-10", "this date does not exist"), ("26-02-01", "enter the date as YYYY-MM-DD"),
        ("2026-02-01T00:00:00Z", "enter the date as YYYY-MM-DD"), ("２０２６-02-01", "enter the date as YYYY-MM-DD"),
    ],
)
def test_dates_are_real_calendar_days_written_yyyy_mm_dd(value, message):
    errors = FormValidator({"properties": {"d": {"type": "string", "format": "date"}}}).errors({"d": value})
    assert [e["message"] for e in errors] == ([message] if message else [])


DATE_TIME_FORM = "enter the date and time as YYYY-MM-DDThh:mm:ss with the time zone offset, e.g. 2027-01-04T10:00:00+02:00"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2027-01-04T10:00:00+02:00", None), ("2027-01-04T07:30:00Z", None), ("2027-01-04T07:30:00.250-05:00", None),
        ("2027-01-04T10:00+02:00", None),
        ("2027-01-04T10:00:00", DATE_TIME_FORM), ("2027-01-04 10:00:00+02:00", DATE_TIME_FORM),
        ("2027-01-04T24:00:00Z", DATE_TIME_FORM), ("2027-01-04T10:61:00Z", DATE_TIME_FORM),
        ("2027-02-30T10:00:00Z", "this date does not exist"), ("04.01.2027 10:00", DATE_TIME_FORM),
    ],
)
def test_date_times_carry_an_offset(value, message):
    errors = FormValidator({"properties": {"t": {"type": "string", "format": "date-time"}}}).errors({"t": value})
    assert [e["message"] for e in errors] == ([message] if message else [])


@pytest.mark.parametrize("value", ["a@b", "@b.lv", "a b@c.lv", "a@@b.lv", "a@b.", "x" * 250 + "@b.lv"])
def test_email_addresses_are_checked_without_the_network(value):
    errors = FormValidator({"properties": {"m": {"format": "email"}}}).errors({"m": value})
    assert [e["message"] for e in errors] == ["enter a valid e-mail address"]
    assert FormValidator({"properties": {"m": {"format": "email"}}}).errors({"m": "anna.kalna@tiesa.gov.lv"}) == []


def test_other_formats_stay_annotations():
    assert FormValidator({"properties": {"u": {"format": "uri"}}}).errors({"u": "not a uri"}) == []


# --- a form in the reader's language ---------------------------------------------------------------

BILINGUAL = {
    "title": "Reģistrēt pieteikumu", "x-title-en": "Register the claim",
    "description": "Pieteikums", "x-description-en": "A claim",
    "properties": {
        "role": {"type": "string", "title": "Pieteicējs ir", "x-title-en": "The applicant is",
                 "oneOf": [{"const": "victim", "title": "Cietušais", "x-title-en": "The victim"},
                           {"const": "x-title-en", "title": "Tikai latviski"}],
                 "default": {"x-title-en": "data stays"}},
        "digits": {"type": "string", "pattern": "^[0-9]+$", "x-pattern-message": "tikai cipari",
                   "x-pattern-message-en": "digits only", "x-shown": True},
    },
}
UI = {"ui:order": ["role", "digits"],
      "digits": {"ui:help": "Eiro", "x-ui:help-en": "Euros", "ui:placeholder": "100", "x-ui:placeholder-en": "100",
                 "ui:description": "Summa", "x-ui:description-en": "Amount"}}


def test_latvian_is_the_form_as_written_without_its_english():
    shown = localised(BILINGUAL, "lv")
    assert shown["title"] == "Reģistrēt pieteikumu" and shown["description"] == "Pieteikums"
    assert shown["properties"]["role"]["oneOf"][0] == {"const": "victim", "title": "Cietušais"}
    assert shown["properties"]["digits"] == {"type": "string", "pattern": "^[0-9]+$",
                                             "x-pattern-message": "tikai cipari", "x-shown": True}
    assert localised(UI, "lv")["digits"] == {"ui:help": "Eiro", "ui:placeholder": "100", "ui:description": "Summa"}


def test_english_replaces_each_label_that_has_an_english_text_and_keeps_the_latvian_elsewhere():
    before = copy.deepcopy(BILINGUAL)
    shown = localised(BILINGUAL, "en")
    assert shown["title"] == "Register the claim" and shown["description"] == "A claim"
    role = shown["properties"]["role"]
    assert role["title"] == "The applicant is"
    assert role["oneOf"] == [{"const": "victim", "title": "The victim"}, {"const": "x-title-en", "title": "Tikai latviski"}]
    assert role["default"] == {"x-title-en": "data stays"}
    assert shown["properties"]["digits"]["x-pattern-message"] == "digits only"
    assert "x-pattern-message-en" not in shown["properties"]["digits"]
    assert localised(UI, "en") == {"ui:order": ["role", "digits"],
                                   "digits": {"ui:help": "Euros", "ui:placeholder": "100", "ui:description": "Amount"}}
    assert BILINGUAL == before


@pytest.mark.parametrize(
    ("schema", "pointer", "words"),
    [
        ({"title": "Virsraksts", "x-title-en": ["Title"]}, "/x-title-en", "must be a string"),
        ({"properties": {"a": {"title": "A", "x-title-en": 5}}}, "/properties/a/x-title-en", "must be a string"),
        ({"properties": {"x-note-en": {"type": "string"}}}, "/properties/x-note-en", "may not be named"),
    ],
)
def test_a_form_whose_english_labels_cannot_be_shown_is_refused_at_deployment(schema, pointer, words):
    problems = form_problems("f.json", json.dumps(schema), {})
    assert [p for p, _ in problems] == [pointer]
    assert words in problems[0][1]


def test_a_bilingual_form_passes_deployment():
    assert form_problems("f.json", json.dumps(BILINGUAL), {}) == []
