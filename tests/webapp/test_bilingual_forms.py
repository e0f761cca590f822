"""Forms through the API in the request's language: the schema a task and a start event show, and
every field error a sentence in Latvian or English with its JSON Pointer."""

from __future__ import annotations

import json

import pytest

from tests.support.bpmn_builder import ProcessBuilder

FORM = {
    "title": "Izlemt", "x-title-en": "Decide",
    "type": "object",
    "required": ["decision", "decided_on"],
    "properties": {
        "decision": {"type": "string", "title": "Lēmums", "x-title-en": "Decision",
                     "oneOf": [{"const": "approve", "title": "Apstiprināt", "x-title-en": "Approve"},
                               {"const": "refuse", "title": "Atteikt", "x-title-en": "Refuse"}]},
        "decided_on": {"type": "string", "format": "date", "title": "Datums", "x-title-en": "Date"},
        "number": {"type": "string", "minLength": 1, "maxLength": 4},
        "copies": {"type": "integer", "minimum": 1, "maximum": 3},
        "amount": {"type": "string", "pattern": r"^\d+\.\d{2}$", "not": {"pattern": r"^0+\.00$"},
                   "x-pattern-message": "eiro un centi, piemēram, 10.00",
                   "x-pattern-message-en": "euros and cents, e.g. 10.00"},
        "code": {"type": "string", "pattern": "^[0-9]{6}$"},
        "at": {"type": "string", "format": "date-time"},
        "mail": {"type": "string", "format": "email"},
        "documents": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string"}},
        "urgent": {"type": "boolean"},
        "reason": {"type": "string"},
    },
    "if": {"properties": {"decision": {"const": "refuse"}}, "required": ["decision"]},
    "then": {"required": ["reason"]},
}
UI = {"decided_on": {"ui:widget": "date", "ui:help": "Lēmuma diena", "x-ui:help-en": "The day of the decision"}}
VALID = {"decision": "approve", "decided_on": "2027-01-05"}


@pytest.fixture
def formed(api):
    p = ProcessBuilder("bilingual")
    p.start(lane="Clerk", form="decide.json", ui_form="decide.ui.json")
    p.user_task("decide", "Decide", lane="Clerk", form="decide.json", ui_form="decide.ui.json")
    p.end()
    p.chain("start", "decide", "end")
    files = {"bilingual.bpmn": p.xml(), "decide.json": json.dumps(FORM), "decide.ui.json": json.dumps(UI)}
    assert api.deploy(files).status_code == 201
    instance_id = api.start("bilingual", data=VALID).json["id"]
    return api.ready_tasks(instance_id)[0]


def in_language(language: str) -> dict:
    return {"Accept-Language": language}


@pytest.mark.parametrize(
    ("language", "title", "decision", "choices", "help_"),
    [("lv", "Izlemt", "Lēmums", ["Apstiprināt", "Atteikt"], "Lēmuma diena"),
     ("en", "Decide", "Decision", ["Approve", "Refuse"], "The day of the decision")],
)
def test_the_task_and_start_forms_are_served_in_the_requests_language(api, formed, language, title, decision,
                                                                     choices, help_):
    task = api.client.get(f"/api/v1/tasks/{formed['id']}", headers={**api.headers("clerk"), **in_language(language)}).json
    listed = api.client.get("/api/v1/process-definitions", headers={**api.headers("clerk"), **in_language(language)})
    start_form = {d["process_id"]: d for d in listed.json}["bilingual"]
    for schema, ui in ((task["form_schema"], task["ui_schema"]),
                       (start_form["start_form_schema"], start_form["start_ui_schema"])):
        assert schema["title"] == title
        assert schema["properties"]["decision"]["title"] == decision
        assert [c["title"] for c in schema["properties"]["decision"]["oneOf"]] == choices
        assert ui == {"decided_on": {"ui:widget": "date", "ui:help": help_}}
        assert "-en\"" not in json.dumps(schema) + json.dumps(ui)


def complete(api, task_id: str, data: dict, language: str):
    return api.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data},
                           headers={**api.headers("clerk"), **in_language(language)})


ERRORS = [
    # data (over VALID), field, Latvian, English
    ({"decision": None}, "/decision", "lauks ir obligāts", "this field is required"),
    ({"decision": "refuse"}, "/reason", "lauks ir obligāts", "this field is required"),
    ({"decision": "maybe"}, "/decision", "izvēlieties vienu no atļautajām vērtībām", "choose one of the allowed values"),
    ({"urgent": "yes"}, "/urgent", "vērtībai jābūt „jā” vai „nē” (true vai false)",
     "the value must be yes or no (true or false)"),
    ({"copies": 2.5}, "/copies", "vērtībai jābūt veselam skaitlim", "the value must be a whole number"),
    ({"copies": 0}, "/copies", "vērtībai jābūt vismaz 1", "the value must be at least 1"),
    ({"copies": 4}, "/copies", "vērtība nedrīkst pārsniegt 3", "the value must be at most 3"),
    ({"number": ""}, "/number", "lauks nedrīkst būt tukšs", "the field must not be empty"),
    ({"number": "12345"}, "/number", "tekstā drīkst būt ne vairāk kā 4 rakstzīmes",
     "the text must be at most 4 characters long"),
    ({"code": "12"}, "/code", "vērtība neatbilst paredzētajam formātam", "the value does not have the expected form"),
    ({"amount": "10,00"}, "/amount", "eiro un centi, piemēram, 10.00", "euros and cents, e.g. 10.00"),
    ({"amount": "0.00"}, "/amount", "šī vērtība nav atļauta", "this value is not allowed"),
    ({"decided_on": "05.01.2027"}, "/decided_on", "ievadiet datumu formā GGGG-MM-DD", "enter the date as YYYY-MM-DD"),
    ({"decided_on": "2027-02-31"}, "/decided_on", "datums neeksistē", "this date does not exist"),
    ({"at": "2027-01-05T10:00:00"}, "/at",
     "ievadiet datumu un laiku formā GGGG-MM-DDThh:mm:ss ar laika joslas nobīdi, piemēram, 2027-01-04T10:00:00+02:00",
     "enter the date and time as YYYY-MM-DDThh:mm:ss with the time zone offset, e.g. 2027-01-04T10:00:00+02:00"),
    ({"mail": "a@b"}, "/mail", "ievadiet derīgu e-pasta adresi", "enter a valid e-mail address"),
    ({"documents": []}, "/documents", "izvēlieties vai ievadiet vismaz 1 vienības", "choose or enter at least 1 items"),
    ({"documents": ["a", "a"]}, "/documents", "katru vērtību drīkst norādīt tikai vienu reizi",
     "each value may be given only once"),
    ({"smuggled": 1}, "/smuggled", "šāda lauka veidlapā nav", "this field is not part of the form"),
]


@pytest.mark.parametrize(("change", "field", "latvian", "english"), ERRORS,
                         ids=[f"{e[1]}:{e[3][:24]}" for e in ERRORS])
def test_each_field_error_is_a_sentence_in_the_users_language(api, formed, change, field, latvian, english):
    data = {k: v for k, v in {**VALID, **change}.items() if v is not None}
    for language, message in (("lv", latvian), ("en", english)):
        response = complete(api, formed["id"], data, language)
        assert response.status_code == 422
        assert response.json["errors"] == [{"field": field, "message": message}]
    assert complete(api, formed["id"], VALID, "lv").status_code == 200


def test_a_start_form_error_is_in_the_users_language_too(api, formed):
    response = api.client.post("/api/v1/process-instances", headers={**api.headers("clerk"), **in_language("lv")},
                               json={"process_id": "bilingual", "data": {**VALID, "decided_on": "2026-02-29"}})
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "/decided_on", "message": "datums neeksistē"}]
