"""The catalogue's rules over plain data: entries, payload schemas that never reach outside, and
which elements of a model throw or catch which message."""

from __future__ import annotations

import pytest
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.errors import InvalidInput
from engine.message_catalogue import CATCHES, THROWS, Use, parse_entry, payload_errors, schema_problem, uses
from tests.support.bpmn_builder import ProcessBuilder


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "file:///etc/passwd"},
        {"properties": {"a": {"$ref": "http://127.0.0.1:1/schema.json#/x"}}},
        {"items": [{"$dynamicRef": "https://example.org/s"}]},
        {"$id": "https://example.org/base/", "$ref": "#/$defs/a", "$defs": {"a": {}}},
    ],
    ids=["file", "nested-http", "dynamic", "id-moves-the-base"],
)
def test_a_schema_that_reaches_outside_itself_is_refused(schema):
    assert "only inside itself" in schema_problem(schema)


def test_a_stored_schema_with_a_remote_ref_is_never_fetched():
    """Even a schema that slipped past the check (stored before it) is not resolved remotely."""
    errors = payload_errors({"$ref": "http://127.0.0.1:1/never.json"}, {"a": 1})
    assert len(errors) == 1 and "cannot be resolved" in errors[0]["message"]


def test_local_refs_resolve_and_errors_name_the_field():
    schema = {"type": "object", "properties": {"v": {"$ref": "#/$defs/v"}}, "$defs": {"v": {"enum": [1, 2]}}}
    assert schema_problem(schema) is None
    assert payload_errors(schema, {"v": 1}) == []
    assert payload_errors(schema, {"v": 3}) == [{"field": "/v", "message": "3 is not one of [1, 2]"}]
    assert payload_errors(None, object()) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"senders": [], "receivers": []}, "/payload_schema"),
        ({"senders": [""], "receivers": [], "payload_schema": None}, "/senders"),
        ({"senders": [], "receivers": ["a"] * 201, "payload_schema": None}, "/receivers"),
        ({"senders": [], "receivers": [], "payload_schema": None, "extra": 1}, "/extra"),
        ({"senders": [], "receivers": [], "payload_schema": []}, "/payload_schema"),
    ],
)
def test_bad_entries_name_the_field(body, field):
    with pytest.raises(InvalidInput) as caught:
        parse_entry("m", body)
    assert field in [e["field"] for e in caught.value.errors]


def test_an_entry_is_normalised():
    entry = parse_entry("m", {"senders": ["b", "a", "b"], "receivers": ["c"], "payload_schema": None})
    assert (entry.senders, entry.receivers, entry.payload_schema) == (["a", "b"], ["c"], None)


def test_every_throwing_and_catching_element_is_found():
    p = ProcessBuilder("both")
    p.message("m_in", "in")
    p.message("m_out", "out")
    p.message_start("start", "m_in")
    p.message_catch("wait", "m_in")
    p.message_throw("send", "m_out", payload="1")
    p.end()
    p.chain("start", "wait", "send", "end")
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(p.xml().encode())
    spec = parser.get_spec("both")
    assert uses(spec, parser.get_subprocess_specs("both")) == [
        Use("send", "out", THROWS), Use("start", "in", CATCHES), Use("wait", "in", CATCHES),
    ]
