"""Each keyword the task page can show, as HTML a browser (and a screen reader) reads; errors at
their fields with the typed values kept; lists grown and shrunk by buttons; hostile text escaped."""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from engine.forms import FormValidator
from tests.webapp.form_html_browser import buttons, parse, posted
from webapp.pages.form_html import BadSubmission, parse_submission, render_form, with_references

EVIDENCE = {
    "type": "object",
    "properties": {
        "evidence": {
            "type": "array", "title": "Pierādījumi", "x-title-en": "Evidence", "minItems": 1,
            "items": {
                "type": "object", "title": "Pierādījums", "x-title-en": "Evidence item",
                "required": ["description"],
                "properties": {
                    "description": {"type": "string", "title": "Apraksts", "x-title-en": "Description",
                                    "maxLength": 500},
                    "pages": {"type": "integer", "title": "Lapas", "x-title-en": "Pages", "minimum": 1,
                              "maximum": 999},
                    "sealed": {"type": "boolean", "title": "Aizzīmogots", "x-title-en": "Sealed"},
                },
            },
        },
        "court": {
            "type": "object", "title": "Tiesa", "x-title-en": "Court", "required": ["name"],
            "properties": {"name": {"type": "string", "title": "Nosaukums", "x-title-en": "Name"},
                           "room": {"type": "string", "title": "Zāle", "x-title-en": "Room"}},
        },
        "weight": {"type": "number", "title": "Svars", "x-title-en": "Weight", "exclusiveMinimum": 0},
    },
    "required": ["evidence"],
}


@pytest.fixture
def ctx(app):
    with app.test_request_context("/"):
        yield


def one(tree, xpath, **params):
    [found] = tree.xpath(xpath, **params)
    return found


KEYWORDS = [
    # (schema of the field "f", ui of "f", what the field becomes: XPath that must match once)
    ({"type": "string", "oneOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"}]},
     {"ui:widget": "radio"}, "//fieldset[legend]//input[@type='radio'][@name='f'][@value='b']"),
    ({"type": "string", "oneOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"}]},
     {"ui:widget": "select"}, "//select[@name='f']/option[@value='b'][.='B']"),
    ({"type": "string", "enum": ["x", "y", "z", "u", "v", "w"]}, {}, "//select[@name='f']/option[@value='w']"),
    ({"type": "integer", "enum": [1, 2]}, {"ui:widget": "radio"}, "//input[@type='radio'][@value='2']"),
    ({"type": "array", "uniqueItems": True, "items": {"enum": ["p", "q"]}}, {"ui:widget": "checkboxes"},
     "//fieldset//input[@type='checkbox'][@name='f'][@value='q']"),
    ({"type": "boolean"}, {}, "//input[@type='checkbox'][@name='f'][@value='true']"),
    ({"type": "boolean"}, {"ui:widget": "radio"}, "//input[@type='radio'][@name='f'][@value='false']"),
    ({"type": "string", "format": "date"}, {}, "//input[@type='date'][@name='f']"),
    ({"type": "string", "format": "date-time"}, {"ui:widget": "datetime"},
     "//input[@type='text'][@name='f'][@placeholder]"),
    ({"type": "string", "format": "email"}, {}, "//input[@type='email'][@name='f']"),
    ({"type": "string", "pattern": "^[a-z]{2}$", "minLength": 2, "maxLength": 2}, {},
     "//input[@name='f'][@pattern='^[a-z]{2}$'][@minlength='2'][@maxlength='2']"),
    ({"type": "string", "pattern": "[0-9]"}, {}, "//input[@name='f'][@pattern='.*(?:[0-9]).*']"),
    ({"type": "integer", "minimum": 1, "maximum": 9}, {},
     "//input[@type='number'][@name='f'][@min='1'][@max='9'][@step='1']"),
    ({"type": "number", "multipleOf": 0.5}, {}, "//input[@type='number'][@name='f'][@step='0.5']"),
    ({"type": "string"}, {"ui:widget": "textarea", "ui:options": {"rows": 7}}, "//textarea[@name='f'][@rows='7']"),
    ({"type": "string", "const": "fixed"}, {"ui:widget": "hidden"}, "//input[@type='hidden'][@name='f'][@value='fixed']"),
    ({"type": "string"}, {"ui:help": "Palīdzība", "x-ui:help-en": "Help"},
     "//input[@name='f'][@aria-describedby='lf-f.help']/following-sibling::p[@id='lf-f.help'][.='Help']"),
    ({"type": "string"}, {"ui:placeholder": "e.g."}, "//input[@name='f'][@placeholder='e.g.']"),
    ({"$ref": "#/$defs/code"}, {}, "//input[@name='f'][@maxlength='3']"),
    ({"type": "string"}, {"ui:autofocus": True}, "//input[@name='f'][@autofocus]"),
    ({"enum": ["a"]}, {"ui:autofocus": True, "ui:widget": "select"}, "//select[@name='f'][@autofocus]"),
    ({"type": "string"}, {"ui:title": "Mans", "x-ui:title-en": "Mine"}, "//label[@for='lf-f'][.='Mine']"),
]


@pytest.mark.parametrize("field, ui, xpath", KEYWORDS, ids=[k[2][:60] for k in KEYWORDS])
def test_each_keyword_is_shown(ctx, field, ui, xpath):
    schema = {"type": "object", "properties": {"f": field}, "$defs": {"code": {"type": "string", "maxLength": 3}}}
    tree = parse(render_form(schema, {"f": ui}, data={}, errors={}, lang="en"))
    assert len(tree.xpath(xpath)) == 1, xpath


def test_fields_follow_ui_order_and_required_when_is_said(ctx):
    schema = {
        "type": "object",
        "properties": {"why": {"type": "string", "title": "Kāpēc", "x-title-en": "Why"},
                       "ok": {"type": "boolean", "title": "Labi", "x-title-en": "Fine"}},
        "allOf": [{"if": {"properties": {"ok": {"const": False}}, "required": ["ok"]}, "then": {"required": ["why"]}}],
    }
    ui = {"ui:order": ["ok", "why"], "ok": {"ui:widget": "radio"}}
    for lang, sentence in (("en", "Required when “Fine” is “No”."), ("lv", "Obligāts, ja “Labi” ir “Nē”.")):
        tree = parse(render_form(schema, ui, data={}, errors={}, lang=lang))
        assert [e.get("name") for e in tree.iter("input", "textarea")] == ["ok", "ok", "why"]
        assert one(tree, "//p[@id='lf-why.when']").text == sentence
        assert one(tree, "//input[@name='why']").get("aria-describedby") == "lf-why.when"


def test_errors_sit_at_their_fields_and_the_typed_values_stay(ctx):
    data = {"evidence": [{"description": "ok", "pages": "12a"}], "weight": "heavy", "court": {"name": ""}}
    errors = {"/evidence/0/pages": "must be an integer", "/weight": "must be a number",
              "/court/name": "this field is required", "": "the form's rules are not met"}
    html = render_form(EVIDENCE, {}, data=data, errors=errors, lang="en")
    tree = parse(html)
    for name, message in (("evidence/0/pages", "must be an integer"), ("weight", "must be a number"),
                          ("court/name", "this field is required")):
        element = one(tree, "//input[@name=$n]", n=name)
        assert element.get("aria-invalid") == "true"
        [described] = element.get("aria-describedby").split()
        assert one(tree, "//*[@id=$i]", i=described).text == message
    # What cannot be shown in a number input is shown as text, as typed.
    assert one(tree, "//input[@name='evidence/0/pages']").get("type") == "text"
    assert one(tree, "//input[@name='evidence/0/pages']").get("value") == "12a"
    assert one(tree, "//input[@name='weight']").get("value") == "heavy"
    assert one(tree, "//*[@role='alert']//li").text == "the form's rules are not met"
    # Read back, the unparsable numbers stay text: the validator reports them at their fields.
    again = parse_submission(EVIDENCE, {}, posted(html)).data
    assert again["evidence"][0]["pages"] == "12a" and again["weight"] == "heavy"
    fields = {e["field"] for e in FormValidator(EVIDENCE).errors(again)}
    assert {"/evidence/0/pages", "/weight"} <= fields
    assert "court" not in again  # an optional group left empty is left out, like an empty field


def test_evidence_items_are_added_and_removed_by_submit_buttons(ctx):
    html = render_form(EVIDENCE, {}, data={}, errors={}, lang="en")
    assert ("action", "add:/evidence") in buttons(html)
    assert one(parse(html), "//button[@value='add:/evidence']").get("type") == "submit"
    added = parse_submission(EVIDENCE, {}, posted(html, ("action", "add:/evidence")))
    assert added.action == ("add", "/evidence")
    assert added.data["evidence"] == [{}]
    html = render_form(EVIDENCE, {}, data=added.data, errors={}, lang="en")
    form = posted(html, ("action", "add:/evidence"))
    form["evidence/0/description"] = "knife"
    form["evidence/0/pages"] = "3"
    two = parse_submission(EVIDENCE, {}, form)
    html = render_form(EVIDENCE, {}, data=two.data, errors={}, lang="en")
    form = posted(html, None)
    form["evidence/1/description"] = "phone"
    form["evidence/1/sealed"] = "true"
    html = render_form(EVIDENCE, {}, data=parse_submission(EVIDENCE, {}, form).data, errors={}, lang="en")
    assert [b for b in buttons(html) if b[1].startswith("remove")] == [
        ("action", "remove:/evidence/0"), ("action", "remove:/evidence/1")]
    removed = parse_submission(EVIDENCE, {}, posted(html, ("action", "remove:/evidence/0")))
    assert removed.action == ("remove", "/evidence", 0)
    assert removed.data["evidence"] == [{"description": "phone", "sealed": True}]
    # Submitted, the list is the data itself.
    final = parse_submission(EVIDENCE, {}, posted(render_form(EVIDENCE, {}, data=removed.data, errors={},
                                                               lang="en")))
    assert final.action == "submit" and final.data["evidence"] == [{"description": "phone", "sealed": True}]


@pytest.mark.parametrize("action", ["remove:/weight/0", "add:/court", "add:/nowhere", "delete:/evidence",
                                    "remove:/evidence/x", "add:evidence"])
def test_an_action_the_form_has_no_button_for_is_refused(ctx, action):
    with pytest.raises(BadSubmission):
        parse_submission(EVIDENCE, {}, MultiDict([("action", action)]))


def test_a_list_cannot_be_made_huge_by_the_post(ctx):
    form = MultiDict([("evidence", "99999"), ("action", "save_draft")])
    submission = parse_submission(EVIDENCE, {}, form)
    assert submission.action == "save_draft"
    assert len(submission.data["evidence"]) == 200


def test_numbers_are_typed_and_non_finite_ones_stay_text(ctx):
    for text, value in (("2.5", 2.5), ("3", 3), ("-1e3", -1000.0), ("1e400", "1e400"), ("nan", "nan")):
        assert parse_submission(EVIDENCE, {}, MultiDict([("weight", text)])).data.get("weight") == value


HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


def test_hostile_titles_names_and_values_are_text(ctx):
    name = 'a"b c/d~e<x>'
    schema = {"type": "object", "title": HOSTILE, "properties": {
        name: {"type": "string", "title": HOSTILE, "description": HOSTILE, "pattern": '^"><x$'},
        "pick": {"oneOf": [{"const": HOSTILE, "title": HOSTILE}]},
    }}
    ui = {name: {"ui:help": HOSTILE, "ui:placeholder": HOSTILE}, "pick": {"ui:widget": "select"}}
    data = {name: HOSTILE, "pick": HOSTILE}
    html = render_form(schema, ui, data=data, errors={f"/{name.replace('~', '~0').replace('/', '~1')}": HOSTILE},
                       lang="en")
    tree = parse(html)
    assert not tree.xpath("//script | //img | //*[@onerror]")
    [field] = tree.xpath("//input[@type='text']")
    assert field.get("name") == "a\"b c~1d~0e<x>"
    assert field.get("value") == HOSTILE and field.get("placeholder") == HOSTILE
    assert all(not any(c in i for c in ' "<>') for i in tree.xpath("//@id"))
    assert one(tree, "//*[@id=$i]", i=field.get("aria-describedby").split()[0]).text == HOSTILE
    assert one(tree, "//label[@for=$i]", i=field.get("id")).text_content().startswith(HOSTILE)
    assert parse_submission(schema, ui, posted(html)).data == data


def test_a_list_of_plain_values_grows_and_reads_back_in_either_language(ctx):
    schema = {"type": "object", "properties": {"codes": {
        "type": "array", "title": "Kodi", "x-title-en": "Codes",
        "items": {"type": "integer", "title": "Kods", "x-title-en": "Code"}}}}
    for lang, add in (("lv", "Pievienot: Kods"), ("en", "Add Code")):
        html = render_form(schema, {}, data={"codes": [7]}, errors={}, lang=lang)
        assert one(parse(html), "//button[@value='add:/codes']").text == add
        assert one(parse(html), "//label[@for='lf-codes.2f.0']").text_content().startswith(
            "Kods" if lang == "lv" else "Code")
        grown = parse_submission(schema, {}, posted(html, ("action", "add:/codes")))
        assert grown.data == {"codes": [7, ""]}
    html = render_form(schema, {}, data={"codes": [7, ""]}, errors={}, lang="en")
    form = posted(html)
    form["codes/1"] = "8"
    assert parse_submission(schema, {}, form).data == {"codes": [7, 8]}
    # No items and not required: the field is left out.
    assert parse_submission(schema, {}, posted(render_form(schema, {}, data={}, errors={}, lang="en"))).data == {}


def test_references_to_another_form_of_the_deployment_are_copied_in(ctx):
    shared = {"$defs": {"note": {"type": "string", "maxLength": 5, "title": "Piezīme", "x-title-en": "Note",
                                 "$ref": "#/$defs/base"}, "base": {"minLength": 2}}}
    schema = {"type": "object", "properties": {"note": {"$ref": "shared.json#/$defs/note"}}}
    full = with_references(schema, {"decide.json": schema, "shared.json": json.dumps(shared)})
    field = one(parse(render_form(full, {}, data={}, errors={}, lang="en")), "//input[@name='note']")
    assert (field.get("maxlength"), field.get("minlength")) == ("5", "2")
    assert one(parse(render_form(full, {}, data={}, errors={}, lang="en")), "//label").text == "Note"


def test_a_form_that_refers_to_itself_forever_still_renders(ctx):
    schema = {"type": "object", "properties": {"node": {"$ref": "#/$defs/n"}},
              "$defs": {"n": {"type": "object", "properties": {"a": {"$ref": "#/$defs/n"}, "b": {"$ref": "#/$defs/n"}}}}}
    for form in (schema, with_references(schema, {})):
        html = render_form(form, {}, data={}, errors={}, lang="en")
        assert parse(html).xpath("//fieldset")
        assert parse_submission(form, {}, posted(html)).data == {}


def test_an_error_of_a_hidden_field_is_listed_above_the_fields(ctx):
    schema = {"type": "object", "properties": {"decision": {"type": "string", "const": "refuse"}}}
    html = render_form(schema, {"decision": {"ui:widget": "hidden"}}, data={"decision": "approve"},
                       errors={"/decision": "must be “refuse”"}, lang="en")
    tree = parse(html)
    assert one(tree, "//input[@name='decision']").get("value") == "approve"
    assert one(tree, "//*[@role='alert']//li").text == "must be “refuse”"


@pytest.mark.parametrize("pattern, attribute", [
    ("^[a-z]{2}$", "^[a-z]{2}$"),
    ("[0-9]", ".*(?:[0-9]).*"),
    ("^(Z|[+-][0-9]{2})$", "^(Z|[+\\-][0-9]{2})$"),  # `-` at a class edge is escaped for the `v` flag
    ("^[-a(]$", "^[\\-a\\(]$"),
    ("^\\d+\\.\\d{2}$", "^\\d+\\.\\d{2}$"),
    ("^a\\_b$", None),  # an escape the browser's dialect refuses: left to the server
    ("^[a&&b]$", None),
    ("^[ab$", None),
])
def test_patterns_are_written_for_the_browsers_dialect_or_left_out(ctx, pattern, attribute):
    schema = {"type": "object", "properties": {"f": {"type": "string", "pattern": pattern}}}
    field = one(parse(render_form(schema, {}, data={}, errors={}, lang="en")), "//input[@name='f']")
    assert field.get("pattern") == attribute
