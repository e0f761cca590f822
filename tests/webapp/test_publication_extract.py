"""The text of an uploaded decision (UTF-8, DOCX, PDF with a text layer), read from the bytes,
and every damaged or hostile file refused with a sentence naming it — never a server error."""

from __future__ import annotations

import io
import zipfile

import pytest

from engine.errors import InvalidInput
from webapp.publication.extract import MAX_UPLOAD_BYTES, extract_text

LATVIAN = "Tiesa nosprieda: apsūdzētajam Ķēniņam piemērot sodu — āčēģīķļņšūž ĀČĒĢĪĶĻŅŠŪŽ."
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(*lines: str, encrypt: bool = False) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("LietaTestSans", FONT))
    out = io.BytesIO()
    page = canvas.Canvas(out, encrypt="secret" if encrypt else None)
    page.setFont("LietaTestSans", 10)
    for number, line in enumerate(lines):
        page.drawString(50, 800 - 14 * number, line)
    page.showPage()
    page.save()
    return out.getvalue()


@pytest.mark.parametrize(("content", "kind"), [
    (LATVIAN.encode("utf-8"), "txt"),
    (b"\xef\xbb\xbf" + LATVIAN.encode("utf-8"), "txt"),
    (docx_bytes("Spriedums", LATVIAN), "docx"),
    (pdf_bytes("Spriedums", LATVIAN), "pdf"),
])
def test_each_kind_gives_its_text_with_latvian_letters(content, kind):
    extracted = extract_text("nolēmums", content)
    assert extracted.source_format == kind
    assert LATVIAN in extracted.text


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    return out.getvalue()


def not_a_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "sveiki")
    return out.getvalue()


@pytest.mark.parametrize(("content", "fragment"), [
    (b"", "is empty"),
    (b"\xff\xfe\x00garbage\x81", "neither UTF-8 text, DOCX nor PDF"),
    (b"text with a \x00 byte", "neither UTF-8 text, DOCX nor PDF"),
    (b"   \n\t ", "holds no text"),
    (b"x" * (MAX_UPLOAD_BYTES + 1), "larger than 5 MB"),
    (zip_bomb(), "unpacks to more than 50 MB"),
    (not_a_docx(), "not a DOCX document"),
    (b"PK\x03\x04 truncated", "could not be read"),
    (b"%PDF-1.7\n garbage without objects", "could not be read"),
    (pdf_bytes(), "has no text layer"),
    (pdf_bytes("Slepens", encrypt=True), "is encrypted"),
])
def test_a_bad_file_is_refused_naming_it(content, fragment):
    with pytest.raises(InvalidInput) as refused:
        extract_text("lēmums.bin", content)
    assert fragment in str(refused.value) and "lēmums.bin" in str(refused.value)
    assert refused.value.errors[0]["field"] == "/file"
