import gc
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

import pytest

from engine.form_rules import form_problems
from engine.forms import FormValidator, form_registry, schema_problems
from engine.regex_safety import pattern_problems


@contextmanager
def cpu_seconds() -> Iterator[list[float]]:
    """This thread's CPU time for the block, the garbage collector held off: a full collection of
    a test worker's heap, started by chance inside the block, once took half a second."""
    spent: list[float] = []
    gc.disable()
    started = time.thread_time()
    try:
        yield spent
    finally:
        spent.append(time.thread_time() - started)
        gc.enable()

REFUSAL = {
    "type": "object",
    "required": ["grounds_met"],
    "properties": {
        "grounds_met": {"type": "boolean"},
        "refusal_reason": {"type": "string"},
        "note": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object", "properties": {"code": {"type": "string"}}}},
    },
    "if": {"properties": {"grounds_met": {"const": False}}},
    "then": {"required": ["refusal_reason"]},
}


def said(errors: list[dict]) -> list[dict]:
    """What the person is told (the English text); the message id and parameters stay inside."""
    return [{"field": e["field"], "message": e["message"]} for e in errors]


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"grounds_met": False, "note": "x"}, [{"field": "/refusal_reason", "message": "this field is required"}]),
        ({"grounds_met": False, "refusal_reason": "no grounds"}, []),
        ({"grounds_met": True, "note": "x"}, []),
        ({"grounds_met": True, "extra": 1}, [{"field": "/extra", "message": "this field is not part of the form"}]),
        (
            {"grounds_met": True, "items": [{"code": "a", "x": 1}]},
            [{"field": "/items/0/x", "message": "this field is not part of the form"}],
        ),
    ],
    ids=["required-when-refused", "refused-with-reason", "granted", "unknown-field", "unknown-field-in-list-item"],
)
def test_conditional_requirements_and_closed_fields(data, errors):
    assert said(FormValidator(REFUSAL).errors(data)) == errors


def test_an_explicitly_open_object_stays_open():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": True}
    assert FormValidator(schema).errors({"a": "x", "b": 2}) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [("{", "not valid JSON"), ("[1]", "must be a JSON object"), ('{"type": 5}', "not a valid JSON Schema"),
     ('{"pattern": "a{99999999999}"}', "repetition number is too large"),
     ('{"pattern": "' + "(" * 600 + ")" * 600 + '"}', "nested too deeply")],
)
def test_schema_problems(text, problem):
    assert problem in schema_problems(text)[0]


# --- $ref stays inside the deployment ------------------------------------------------------------

OTHER = {"$defs": {"code": {"type": "string", "pattern": "^[A-Z]{2}$"}}}


def test_a_ref_to_another_form_of_the_deployment_resolves():
    schema = {"type": "object", "properties": {"code": {"$ref": "other.json#/$defs/code"}}}
    validator = FormValidator(schema, form_registry({"other.json": json.dumps(OTHER)}))
    assert validator.errors({"code": "LV"}) == []
    assert [e["field"] for e in validator.errors({"code": "lv"})] == ["/code"]


@pytest.mark.parametrize(
    "ref",
    ["file:///etc/passwd", "http://127.0.0.1:9/x.json", "https://json-schema.org/draft/2020-12/schema",
     "missing.json", "/etc/passwd"],
)
def test_a_ref_outside_the_deployment_is_a_form_error_never_a_fetch(ref):
    schema = {"type": "object", "properties": {"a": {"$ref": ref}}}
    validator = FormValidator(schema, form_registry({"other.json": json.dumps(OTHER)}))
    if ref.startswith("https://json-schema.org"):
        # Draft meta-schemas are built into jsonschema: resolved in memory, nothing is fetched.
        assert validator.errors({"a": {}}) == []
        return
    errors = validator.errors({"a": "x"})
    assert len(errors) == 1 and errors[0]["field"] == ""
    assert "not part of its deployment" in errors[0]["message"]


@pytest.mark.parametrize(
    ("schema", "pointer", "words"),
    [
        ({"properties": {"a": {"$ref": "file:///etc/passwd"}}}, "/properties/a/$ref", "outside the deployment"),
        ({"properties": {"a": {"$ref": "http://127.0.0.1:8080/x"}}}, "/properties/a/$ref", "outside the deployment"),
        ({"properties": {"a": {"$ref": "//evil.example/x"}}}, "/properties/a/$ref", "outside the deployment"),
        ({"properties": {"a": {"$ref": "missing.json"}}}, "/properties/a/$ref", "not in the upload"),
        ({"properties": {"a": {"$ref": "other.json#/$defs/nope"}}}, "/properties/a/$ref", "does not resolve"),
        ({"properties": {"a": {"$ref": "#/$defs/nope"}}}, "/properties/a/$ref", "does not resolve"),
        ({"$id": "http://127.0.0.1/", "properties": {}}, "/$id", "`$id` is not allowed"),
        ({"$schema": "http://json-schema.org/draft-07/schema#"}, "/$schema", "2020-12"),
        ({"allOf": [{"$dynamicRef": "file:///etc/hosts"}]}, "/allOf/0/$dynamicRef", "outside the deployment"),
        ({"properties": {"a": {"$ref": "http://[::1"}}}, "/properties/a/$ref", "outside the deployment"),
        ({"properties": {"a": {"$ref": "urn:x"}}}, "/properties/a/$ref", "outside the deployment"),
        ({"properties": {"a": {"$ref": "FILE:///etc/passwd"}}}, "/properties/a/$ref", "outside the deployment"),
    ],
)
def test_deployment_rules_refuse_refs_outside_the_deployment(schema, pointer, words):
    problems = form_problems("form.json", json.dumps(schema), {"form.json": "{}", "other.json": json.dumps(OTHER)})
    assert any(p == pointer and words in message for p, message in problems), problems


def test_a_ref_in_data_keywords_is_data_not_a_reference():
    schema = {"properties": {"a": {"const": {"$ref": "file:///etc/passwd"}}}, "$defs": {"d": {"type": "string"}}}
    assert form_problems("form.json", json.dumps(schema), {}) == []


# --- patterns ----------------------------------------------------------------------------------
# Costs are measured as this thread's CPU time: what a validation costs the server, whatever else
# runs on a shared machine (the budget itself is wall-clock, so CPU time stays below it).

SLOW = ["^(a|a)+$", "(a+)+b", "(x+x+)+y", r"^(\w+\s?)*$", "(a*)*", "(.*a){20}", "(a|b|ab)*$", "(a?a)+$"]


@pytest.mark.parametrize("pattern", SLOW)
def test_catastrophic_patterns_are_refused_at_deployment(pattern):
    schema = {"properties": {"a": {"type": "string", "pattern": pattern}},
              "patternProperties": {pattern: {"type": "string"}}}
    problems = form_problems("form.json", json.dumps(schema), {})
    pointers = {p for p, _ in problems}
    assert "/properties/a/pattern" in pointers
    assert "/patternProperties/" + pattern.replace("~", "~0").replace("/", "~1") in pointers


SAFE = [r"^\d+\.\d{2}$", r"^(\d+,)*\d+$", r"(\d{1,3}\.){3}\d{1,3}", r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", r"^[A-ZĀ-Ž][a-zā-ž]+( [A-ZĀ-Ž][a-zā-ž]+)*$", ".*.*.*x", "(ab?c)+"]


@pytest.mark.parametrize("pattern", SAFE)
def test_ordinary_patterns_pass_and_stay_fast_on_long_input(pattern):
    assert pattern_problems(pattern) == []
    validator = FormValidator({"properties": {"a": {"type": "string", "pattern": pattern}}})
    for text in ("a" * 10_000 + "!", "x" * 10_000, "1," * 5_000 + "x", " " * 10_000 + "@"):
        with cpu_seconds() as spent:
            validator.errors({"a": text})
        assert spent[0] < 0.15, (pattern, text[:5])


@pytest.mark.parametrize("pattern", SLOW)
def test_a_catastrophic_pattern_that_got_stored_is_stopped_by_the_time_budget(pattern):
    # As if stored before this check existed: the validator still answers within its budget.
    validator = FormValidator({"properties": {"a": {"type": "string", "pattern": pattern}},
                               "patternProperties": {pattern: {}}}, pattern_budget_seconds=0.05)
    for text in ("a" * 10_000 + "!", "x" * 10_000, "a " * 5_000 + "!"):
        with cpu_seconds() as spent:
            validator.errors({"a": text, text: 1})
        assert spent[0] < 0.15, (pattern, text[:5])


def test_a_pattern_checked_too_slowly_is_refused_not_accepted():
    validator = FormValidator({"properties": {"a": {"type": "string", "pattern": "(x+x+)+y"}}},
                              pattern_budget_seconds=0.02)
    assert said(validator.errors({"a": "x" * 5_000})) == [
        {"field": "/a", "message": "the value could not be checked against the form's pattern in time"}
    ]


# --- numbers and money ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), json.loads("1e400")])
def test_non_finite_numbers_never_pass_a_form(value):
    validator = FormValidator({"properties": {"a": {"type": "number", "maximum": 10}, "b": {}}})
    assert said(validator.errors({"a": value})) == [{"field": "/a", "message": "must be a finite number"}]
    assert said(validator.errors({"b": [value]})) == [{"field": "/b/0", "message": "must be a finite number"}]


MONEY = {"type": "string", "pattern": r"^\d+\.\d{2}$"}


@pytest.mark.parametrize(
    ("field", "schema", "refused"),
    [
        ("claimed_amount", {"type": "number"}, True),
        ("court_fee", {"type": "integer"}, True),
        ("lump_sum", {"type": "string"}, True),
        ("total_eur", {"type": "string", "pattern": r"^\d+(\.\d+)?$"}, True),
        ("price", {"type": "number", "x-money": True}, True),
        ("claimed_amount", MONEY, False),
        ("price", {**MONEY, "x-money": True}, False),
        ("amount", {"$ref": "#/$defs/money"}, False),
        ("fee", {"$ref": "#/$defs/number"}, True),
        ("amount_note", {"type": "string"}, False),
    ],
)
def test_money_must_be_a_string_with_cents(field, schema, refused):
    form = {"properties": {field: schema}, "$defs": {"money": MONEY, "number": {"type": "number"}}}
    problems = [m for p, m in form_problems("f.json", json.dumps(form), {}) if p == f"/properties/{field}"]
    assert bool(problems) is refused, problems
    if refused:
        assert "holds money" in problems[0]


# The `regex` compiler takes exponential memory in the nesting of quantifiers, and unrolls counted
# repeats: such patterns are refused before anything compiles them, at deployment and at run time.
UNCOMPILABLE = [
    ("(" * 30 + "a" + ")+" * 30, "nested more than 4 deep"),
    ("(?:a{1000}){1000}", "multiply to more than 10000"),
    ("(" + "a?" * 200 + ")", "more than 100 quantifiers"),
    ("a" * 1001, "longer than 1000 characters"),
    ("(" * 2000, "longer than 1000 characters"),
    ("(" * 400 + "a" + ")" * 400, "groups are nested more than 32 deep"),
]


@pytest.mark.parametrize(("pattern", "words"), UNCOMPILABLE)
def test_patterns_too_costly_to_compile_are_refused_at_deployment(pattern, words):
    with cpu_seconds() as spent:
        problems = pattern_problems(pattern)
    assert spent[0] < 0.5
    assert len(problems) == 1 and words in problems[0], problems


@pytest.mark.parametrize(("pattern", "words"), UNCOMPILABLE)
def test_a_stored_pattern_too_costly_to_compile_is_never_compiled(pattern, words):
    validator = FormValidator({"properties": {"a": {"type": "string", "pattern": pattern}}})
    with cpu_seconds() as spent:
        errors = validator.errors({"a": "a" * 100})
    assert spent[0] < 0.5
    assert [e["field"] for e in errors] == ["/a"]
    assert "cannot be used" in errors[0]["message"] and words in errors[0]["message"]


def test_the_analysis_of_a_long_pattern_stays_fast():
    patterns = ["(" + "(?:x|y|z)?" * 99 + ")+", "(" + "(?:[a-z]|[0-9])" * 60 + ")+", "[" + "a-z" * 300 + "]+",
                "(?i)(?:" + "ā|" * 400 + "b)+"]
    for pattern in patterns:
        with cpu_seconds() as spent:
            pattern_problems(pattern)
        assert spent[0] < 0.5, pattern[:20]


def test_a_stored_form_nested_too_deeply_refuses_submissions_instead_of_crashing():
    text = '{"type": "object", "properties": {"a": ' * 450 + '{"type": "string"}' + "}}" * 450
    assert schema_problems(text) != []
    schema = json.loads(text)
    errors = FormValidator(schema, form_registry({"deep.json": text})).errors({"a": "x"})
    assert said(errors) == [{"field": "", "message": "the form is nested too deeply to be used: ask a process analyst"}]


def test_a_stored_form_beyond_the_json_parsers_depth_refuses_submissions():
    from engine.specs import LoadedDefinition

    text = '{"properties": {"a": ' * 5000 + "{}" + "}}" * 5000
    no_tasks = SimpleNamespace(task_specs={})
    definition = LoadedDefinition(1, "p", 1, spec=no_tasks, subprocess_specs={}, forms={"deep.json": text})
    assert said(definition.form_validator("deep.json").errors({})) == [
        {"field": "", "message": "the form is nested too deeply to be used: ask a process analyst"}
    ]
