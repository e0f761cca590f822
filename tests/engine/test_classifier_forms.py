"""Form fields bound to classifiers, without a database: the validator asks a lookup for codes."""

from __future__ import annotations

from engine.classifier_forms import classifiers_used, codes_from, unknown_classifier_problems, with_choices
from engine.forms import FormValidator

FORM = {
    "type": "object",
    "properties": {
        "court": {"type": "string", "x-classifier": "court_territory"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "kind": {"type": "string", "x-classifier": "property_item_kind"},
            "note": {"type": "string", "const": {"x-classifier": "not a binding: data"}},
        }}},
    },
}


def test_every_binding_is_found_but_not_inside_data():
    assert classifiers_used(FORM) == {"court_territory", "property_item_kind"}


def test_values_are_checked_against_the_lookup_at_every_depth():
    codes = {"court_territory": frozenset({"Rīga"}), "property_item_kind": frozenset({"phone"})}
    validator = FormValidator(FORM)
    with codes_from(lambda name: codes.get(name, frozenset())):
        assert validator.errors({"court": "Rīga", "items": [{"kind": "phone"}]}) == []
        fields = [error["field"] for error in validator.errors({"court": "Mars", "items": [{"kind": "boat"}]})]
    assert fields == ["/court", "/items/0/kind"]


def test_without_a_lookup_a_bound_field_is_refused_not_passed():
    errors = FormValidator(FORM).errors({"court": "Rīga"})
    assert [error["template"] for error in errors] == ["the list %(list)r cannot be checked here: ask a process analyst"]


def test_choices_are_added_only_where_the_form_has_none():
    form = {"type": "object", "properties": {
        "a": {"type": "string", "x-classifier": "court_territory"},
        "b": {"type": "string", "x-classifier": "court_territory", "enum": ["Rīga"]},
    }}
    shown = with_choices(form, lambda name: [("Rīga", "Riga")])
    assert shown["properties"]["a"]["oneOf"] == [{"const": "Rīga", "title": "Riga"}]
    assert "oneOf" not in shown["properties"]["b"]
    assert "oneOf" not in form["properties"]["a"]  # the cached form itself is never changed
    plain = {"type": "object"}
    assert with_choices(plain, lambda name: []) is plain


def test_unknown_and_malformed_bindings_are_reported_per_file():
    forms = {"a.json": '{"properties": {"x": {"x-classifier": "nope"}}}',
             "b.json": '{"properties": {"x": {"x-classifier": 7}}}', "c.json": "{broken"}
    found = [(name, phrase.template) for name, phrase in unknown_classifier_problems(forms, frozenset({"language"}))]
    assert found == [("a.json", "the form uses the classifier %(name)r, which does not exist (known: %(known)s)"),
                     ("b.json", "%(keyword)s must name a classifier, not %(value)s")]
