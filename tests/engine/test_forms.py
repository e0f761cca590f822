import pytest

from engine.forms import FormValidator, schema_problems

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
    assert FormValidator(REFUSAL).errors(data) == errors


def test_an_explicitly_open_object_stays_open():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": True}
    assert FormValidator(schema).errors({"a": "x", "b": 2}) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [("{", "not valid JSON"), ("[1]", "must be a JSON object"), ('{"type": 5}', "not a valid JSON Schema")],
)
def test_schema_problems(text, problem):
    assert problem in schema_problems(text)[0]
