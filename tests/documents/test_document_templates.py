"""The template sandbox and the template folder: hostile or oversized templates are refused or
contained, and the bundled ones load."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from documents import RenderRefused, TemplateNotFound, TemplateRefused, catalogue
from documents.docx import render_docx
from documents.pdf import render_pdf
from documents.templating import lv_date, money, render_text

BUNDLED_NAMES = ["charge", "compensation_decision", "prosecution_proposal", "refusal_decision", "start_decision"]


def test_the_bundled_templates_load_with_both_formats():
    assert catalogue.names(catalogue.BUNDLED) == BUNDLED_NAMES
    for name in BUNDLED_NAMES:
        template = catalogue.load(catalogue.BUNDLED, name)
        assert template.formats == ("pdf", "docx")
        assert template.version and template.issuers and template.law["basis"]


@pytest.mark.parametrize(("value", "expected"), [
    ("2027-01-05", "2027. gada 5. janvārī"),
    ("2027-02-28T23:30:00+02:00", "2027. gada 28. februārī"),
    ("2026-12-31", "2026. gada 31. decembrī"),
    ("not a date", "not a date"),
    (None, ""),
])
def test_dates_are_written_the_latvian_way(value, expected):
    assert lv_date(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("3510.00", "3510,00 EUR"), ("7", "7,00 EUR"), ("", ""), ("x", "x")])
def test_money_is_written_with_a_decimal_comma(value, expected):
    assert money(value) == expected


def test_inserted_values_are_escaped():
    assert render_text("<p>{{ name }}</p>", {"name": "<img src=x>"}, "t") == "<p>&lt;img src=x&gt;</p>"


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ name.__class__.__mro__[1].__subclasses__() }}",
    "{{ range(10) }}",
    "{{ lipsum() }}",
    "{{ cycler(1) }}",
    "{{ 'x' * 10**9 }}",
    "{{ 9 ** 999999 }}",
    "{{ '%s' % name }}",
    "{% set x = [] %}{{ x.append(1) }}",
])
def test_a_hostile_template_is_refused(source):
    with pytest.raises(RenderRefused):
        render_text(source, {"name": "Ģirts"}, "hostile")


@pytest.mark.parametrize("source", ["{{ name.upper.__globals__ }}", "{{ config }}", "{{ request }}"])
def test_what_the_sandbox_does_not_know_renders_as_nothing(source):
    assert render_text(source, {"name": "Ģirts"}, "contained") == ""


def test_a_huge_loop_is_stopped_by_the_time_budget():
    started = time.monotonic()
    with pytest.raises(RenderRefused, match="longer than"):
        render_text("{% for i in 'x'*9999 %}{% for j in 'x'*9999 %}{{ j }}{% endfor %}{% endfor %}", {}, "loop")
    assert time.monotonic() - started < 5


def test_including_other_templates_is_refused():
    with pytest.raises(TemplateRefused, match="may not include"):
        render_text("{% include '/etc/passwd' %}", {}, "inc")


@pytest.mark.parametrize("html", [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="file:///etc/hostname">',
    '<style>@import url("http://127.0.0.1:9/x.css");</style>',
    '<p style="background: url(https://example.org/x.png)">x</p>',
    '<style>@font-face { font-family: X; src: url("file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"); }'
    ' p { font-family: X; }</style><p>x</p>',
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
])
def test_a_pdf_template_reaches_no_file_and_no_address(html):
    with pytest.raises(RenderRefused, match="may use only the bundled fonts"):
        render_pdf(html, {}, "hostile")


def test_a_pdf_of_too_many_pages_is_refused():
    with pytest.raises(RenderRefused, match="pages"):
        render_pdf('{% for i in items %}<p style="break-after: page">{{ i }}</p>{% endfor %}',
                   {"items": list(range(100))}, "pages")


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_template_runs_in_the_same_sandbox():
    from docx import Document

    rendered = Document(io.BytesIO(render_docx(_docx("Lieta {{ n }}"), {"n": "Ž<1>"}, "ok")))
    assert [p.text for p in rendered.paragraphs] == ["Lieta Ž<1>"]
    with pytest.raises(RenderRefused):
        render_docx(_docx("{{ ''.__class__.__mro__ }}"), {}, "hostile")
    with pytest.raises(RenderRefused, match="longer than"):
        render_docx(_docx("{% for i in 'x'*9999 %}{% for j in 'x'*9999 %}{{ j }}{% endfor %}{% endfor %}"), {}, "loop")


def _folder(tmp_path, name="decision", manifest=None, **files):
    base = tmp_path / name
    base.mkdir()
    (base / "template.json").write_text(json.dumps(manifest or {
        "name": name, "version": "2", "kind": "k", "title_lv": "Lēmums", "title_en": "Decision", "issuers": []}))
    for file_name, content in files.items():
        path = base / file_name.replace("_", ".")
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return tmp_path


def test_a_docx_that_unpacks_too_large_is_refused_unopened(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w/>")
        archive.writestr("word/huge.xml", b"\0" * (25 * 1024 * 1024))
    assert len(bomb.getvalue()) < catalogue.MAX_DOCX
    folder = _folder(tmp_path, document_docx=bomb.getvalue())
    with pytest.raises(TemplateRefused, match="unpacks to more than"):
        catalogue.load(folder, "decision")


@pytest.mark.parametrize(("files", "message"), [
    ({"document_docx": b"not a zip"}, "not a DOCX"),
    ({"document_html": "x" * (catalogue.MAX_HTML + 1)}, "larger than"),
    ({"document_html": "{% for %}"}, "not a valid template"),
    ({}, "neither document.html nor document.docx"),
])
def test_a_broken_template_folder_is_refused_with_a_sentence(tmp_path, files, message):
    folder = _folder(tmp_path, **files)
    with pytest.raises(TemplateRefused, match=message):
        catalogue.load(folder, "decision")


@pytest.mark.parametrize("name", ["../etc", "nothing", "", "A"])
def test_an_unknown_or_unsafe_name_is_not_found(name):
    with pytest.raises(TemplateNotFound):
        catalogue.load(catalogue.BUNDLED, name)


def test_a_manifest_naming_another_template_is_refused(tmp_path):
    folder = _folder(tmp_path, manifest={"name": "other", "version": "1", "kind": "k", "title_lv": "a",
                                         "title_en": "b"}, document_html="x")
    with pytest.raises(TemplateRefused, match="whose name is"):
        catalogue.load(folder, "decision")


def _with_doctype(docx: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/hostname">]>', 1)
            target.writestr(entry, data)
    return out.getvalue()


def test_a_docx_declaring_entities_is_refused(tmp_path):
    folder = _folder(tmp_path, document_docx=_with_doctype(_docx("{{ n }}")))
    with pytest.raises(TemplateRefused, match="declares a DOCTYPE or entities"):
        catalogue.load(folder, "decision")


def test_a_docx_template_cannot_write_a_doctype_through_its_text():
    with pytest.raises(RenderRefused, match="DOCTYPE"):
        render_docx(_docx("{{ ('<!DOC' ~ 'TYPE w>')|safe }}"), {}, "sneaky")
