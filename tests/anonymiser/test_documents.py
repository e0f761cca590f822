"""Uploaded decisions: text, DOCX and PDF read; damaged, empty, scanned and oversized files refused."""

import io
import zipfile

import docx
import pytest

from anonymiser.documents import MAX_UNPACKED_BYTES, DocumentError, extract


def _pdf(text: str | None) -> bytes:
    """A one-page PDF, with `text` in its text layer (or none), built by hand with a correct xref."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Apsūdzētais Jānis Bērziņš, personas kods 140385-11859.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Tiesnese"
    table.rows[0].cells[1].text = "Ilze Kalniņa"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_text_docx_and_pdf_give_their_text():
    assert extract("\ufeffApsūdzētais Jānis\r\nBērziņš".encode(), "a.TXT").text == "Apsūdzētais Jānis\nBērziņš"
    assert extract(_docx(), "spriedums.docx").text == (
        "Apsūdzētais Jānis Bērziņš, personas kods 140385-11859.\nTiesnese\tIlze Kalniņa")
    extracted = extract(_pdf("Apsudzetais Janis Berzins, personas kods 140385-11859."), "spriedums.pdf")
    assert (extracted.kind, extracted.text.strip()) == ("pdf", "Apsudzetais Janis Berzins, personas kods 140385-11859.")


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (MAX_UNPACKED_BYTES + 1))
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "name", "sentence"), [
    (b"text", "spriedums.rtf", "not a .txt, .docx or .pdf"),
    ("Jānis".encode("cp1257"), "a.txt", "not UTF-8"),
    (b"  \n ", "a.txt", "holds no text"),
    (b"PK\x03\x04 broken", "a.docx", "damaged"),
    (b"%PDF-1.4 broken", "a.pdf", "damaged or not a PDF"),
    (_pdf(None), "scan.pdf", "no text layer"),
    (b"x" * (20 * 1024 * 1024 + 1), "big.txt", "at most 20 MB"),
])
def test_unreadable_uploads_are_refused_with_a_sentence(data, name, sentence):
    with pytest.raises(DocumentError, match=sentence):
        extract(data, name)


def test_a_docx_that_unpacks_to_too_much_is_refused_before_parsing():
    with pytest.raises(DocumentError, match="unpacks to more than 100 MB"):
        extract(_bomb(), "bomb.docx")
