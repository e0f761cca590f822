"""The text of an uploaded decision: UTF-8 text, DOCX, or PDF with a text layer.

The kind is read from the bytes, never from the file name. An upload is untrusted: its size is
bounded, a DOCX's unpacked size is checked before anything is parsed (a zip bomb is refused, not
unpacked), a PDF's page count is bounded, and whatever a parser raises on a damaged file becomes
a refusal naming the file, not a server error.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from engine.errors import N_, InvalidInput, field_error

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PDF_PAGES = 500
MAX_TEXT_CHARS = 400_000


@dataclass(frozen=True)
class Extracted:
    text: str
    source_format: str  # txt | docx | pdf


def _refuse(template: str, **params) -> InvalidInput:
    return InvalidInput(template, [field_error("/file", template, **params)], params=params)


def extract_text(name: str, content: bytes) -> Extracted:
    if not content:
        raise _refuse(N_("the file %(name)r is empty"), name=name)
    if len(content) > MAX_UPLOAD_BYTES:
        raise _refuse(N_("the file %(name)r is larger than %(limit)s MB"), name=name, limit=MAX_UPLOAD_BYTES // 2**20)
    if content.startswith(b"%PDF-"):
        text, kind = _pdf_text(name, content), "pdf"
    elif content.startswith(b"PK\x03\x04"):
        text, kind = _docx_text(name, content), "docx"
    else:
        text, kind = _plain_text(name, content), "txt"
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if kind == "pdf":
            raise _refuse(N_("the PDF %(name)r has no text layer (a scanned image): upload its text, DOCX or a PDF with text"),
                          name=name)
        raise _refuse(N_("the file %(name)r holds no text"), name=name)
    if len(text) > MAX_TEXT_CHARS:
        raise _refuse(N_("the decision %(name)r is longer than %(limit)s characters"), name=name, limit=MAX_TEXT_CHARS)
    return Extracted(text, kind)


def _plain_text(name: str, content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(N_("the file %(name)r is neither UTF-8 text, DOCX nor PDF"), name=name) from None
    if "\x00" in text:
        raise _refuse(N_("the file %(name)r is neither UTF-8 text, DOCX nor PDF"), name=name)
    return text


def _docx_text(name: str, content: bytes) -> str:
    import docx  # python-docx: loaded only when a DOCX arrives

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if "word/document.xml" not in {m.filename for m in members}:
                raise _refuse(N_("the file %(name)r is a ZIP archive but not a DOCX document"), name=name)
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise _refuse(N_("the DOCX %(name)r unpacks to more than %(limit)s MB"), name=name,
                              limit=MAX_UNPACKED_BYTES // 2**20)
        document = docx.Document(io.BytesIO(content))
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise _refuse(N_("the DOCX %(name)r could not be read: %(reason)s"), name=name, reason=str(err)[:200]) from err
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs)


def _pdf_text(name: str, content: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise _refuse(N_("the PDF %(name)r is encrypted"), name=name)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _refuse(N_("the PDF %(name)r has more than %(limit)s pages"), name=name, limit=MAX_PDF_PAGES)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as err:
        raise _refuse(N_("the PDF %(name)r could not be read: %(reason)s"), name=name, reason=str(err)[:200]) from err
