"""Task forms rendered on the server: every bundled form renders and its post reads back to the
same data; labels in both languages; errors beside their fields with what was typed kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine.form_keywords import resolve
from engine.forms import FormValidator
from tests.webapp.form_html_browser import parse, posted
from webapp.pages.form_html import parse_submission, render_form

FORMS = Path(__file__).resolve().parents[2] / "forms"
BUNDLED = sorted(p for p in FORMS.glob("*.json") if not p.name.endswith(".ui.json"))


def load(path: Path) -> tuple[dict, dict]:
    ui = path.with_name(path.name[: -len(".json")] + ".ui.json")
    return json.loads(path.read_text()), json.loads(ui.read_text()) if ui.exists() else {}


def sample(schema: dict, root: dict | None = None, multiline: bool = False, ui: dict | None = None):
    """Data filling every field of a form (the last choice, two list items, text with markup)."""
    root = root or schema
    schema = resolve(schema, root)
    if schema is root and isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]  # a whole form whose rules tie fields together gives its own example
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("oneOf"), list):
        return schema["oneOf"][-1]["const"]
    if isinstance(schema.get("enum"), list):
        return schema["enum"][-1]
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if kind == "object":
        ui = ui or {}
        return {name: sample(sub, root, multiline=(ui.get(name) or {}).get("ui:widget") == "textarea",
                             ui=ui.get(name) if isinstance(ui.get(name), dict) else None)
                for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        items = resolve(schema.get("items", {}), root)
        if isinstance(items.get("oneOf"), list):
            return [c["const"] for c in items["oneOf"]]
        return [sample(items, root), sample(items, root)]
    if kind == "boolean":
        return True
    if kind == "integer":
        return 42
    if kind == "number":
        return 2.5
    if schema.get("format") == "date":
        return "2027-01-04"
    if schema.get("format") == "date-time":
        return "2027-01-04T10:00+02:00"
    if schema.get("x-money") or "amount" in str(schema.get("title", "")).lower():
        return "1250.00"
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    text = 'Ā & <b>"q"</b>\nline 2' if multiline else 'Ā & <b>"q"</b> \'x\''
    if "pattern" not in schema:
        return text
    # A patterned field takes the first ordinary value its pattern admits (markup where it may).
    for candidate in (text, "lv", "judge", "riga", "Rīga", "1250.00", "11816000123", "K-123/2027", "C12345627",
                      "AB-1234", "010190-12345", "LV-1010", "12345678", "A1"):
        if re.search(schema["pattern"], candidate) and schema.get("minLength", 0) <= len(candidate) <= schema.get("maxLength", 10**6):
            return candidate
    raise AssertionError(f"no sample value fits the pattern {schema['pattern']!r}: give the field `examples`")


@pytest.fixture
def ctx(app):
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["lv", "en"])
def test_every_bundled_form_renders_and_reads_back_the_same_data(app, ctx, path, lang):
    classifiers = app.extensions["lieta_engine"].classifiers
    raw, ui = load(path)
    schema = classifiers.with_choices(raw, lang)  # a classifier-bound field offers today's codes, as on the pages
    data = sample(schema, ui=ui)
    html = render_form(schema, ui, data=data, errors={}, lang=lang)
    submission = parse_submission(schema, ui, posted(html))
    assert submission.action == "submit"
    assert submission.data == data
    tree = parse(html)
    # Every visible input has a label naming it, or belongs to a group whose legend names it.
    for element in tree.iter("input", "select", "textarea"):
        if element.get("type") == "hidden":
            continue
        assert tree.xpath("//label[@for=$id]", id=element.get("id")), element.get("name")
    # The sample fills every field the way the validator wants, so it is accepted as is.
    with classifiers.checking_forms():
        assert FormValidator(raw).errors(submission.data) == [], path.name


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_every_bundled_form_shows_its_titles_in_the_chosen_language(ctx, path):
    schema, ui = load(path)
    for lang, key in (("lv", "title"), ("en", "x-title-en")):
        tree = parse(render_form(schema, ui, data={}, errors={}, lang=lang))
        shown = {" ".join(e.text_content().split()) for e in tree.iter("label", "legend")}
        for name, sub in schema["properties"].items():
            if ui.get(name, {}).get("ui:widget") == "hidden":
                continue
            title = sub.get(key) or sub["title"]
            assert any(text.startswith(title) for text in shown), (lang, name, title)


def test_an_empty_form_posts_back_only_what_was_chosen(ctx):
    schema, ui = load(FORMS / "legal_aid_appointment.elder_review.json")
    html = render_form(schema, ui, data={}, errors={}, lang="en")
    # Radios not chosen and empty text are left out, so the validator says "required".
    assert parse_submission(schema, ui, posted(html)).data == {}
