"""The text of an uploaded decision: UTF-8 text, DOCX (python-docx) or PDF with a text layer (pypdf).

An upload is untrusted: its size, a DOCX's unpacked size (a zip bomb) and a PDF's page count are
bounded before anything is parsed, and whatever a parser raises becomes a DocumentError with a
sentence a court employee can act on. Offsets of every later proposal point into the text returned
here, so it is the decision's "original" from then on.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from anonymiser.errors import AnonymiserError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_PDF_PAGES = 500
MAX_TEXT_CHARS = 2_000_000
KINDS = {"txt": "text/plain", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf"}


class DocumentError(AnonymiserError):
    """The upload cannot be read as a decision; the message says why and what to do."""


@dataclass(frozen=True)
class Extracted:
    text: str
    kind: str


def kind_of(filename: str) -> str:
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind not in KINDS:
        raise DocumentError(f"“{filename}” is not a .txt, .docx or .pdf file")
    return kind


def _normalise(text: str) -> str:
    # One newline convention, no byte-order mark and no NUL: offsets must mean the same everywhere.
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(f"the decision's text has {len(text):,} characters; at most {MAX_TEXT_CHARS:,} are accepted")
    if not text.strip():
        raise DocumentError("the file holds no text")
    return text


def _from_txt(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise DocumentError(f"the text file is not UTF-8 (byte {err.start}); save it as UTF-8 and upload again") from err


def _from_docx(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as err:
        raise DocumentError("the .docx file is damaged or not a Word document") from err
    if unpacked > MAX_UNPACKED_BYTES:
        raise DocumentError("the .docx file unpacks to more than 100 MB; it is refused")
    import docx  # python-docx: only loaded when a DOCX comes

    try:
        document = docx.Document(io.BytesIO(data))
    except (ValueError, KeyError, zipfile.BadZipFile) as err:
        raise DocumentError("the .docx file is not a Word document python-docx can read") from err
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _from_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError("the PDF is encrypted; upload it without a password")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise DocumentError(f"the PDF has {len(reader.pages)} pages; at most {MAX_PDF_PAGES} are accepted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as err:
        raise DocumentError("the PDF is damaged or not a PDF") from err
    if not any(page.strip() for page in pages):
        raise DocumentError("the PDF has no text layer (a scan?): run it through text recognition first")
    return "\n\n".join(pages)


def extract(data: bytes, filename: str) -> Extracted:
    """The decision's text from an uploaded file, by its extension; DocumentError if it cannot be had."""
    kind = kind_of(filename)
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentError(f"the file has {len(data) / 1024 / 1024:.1f} MB; at most 20 MB are accepted")
    reader = {"txt": _from_txt, "docx": _from_docx, "pdf": _from_pdf}[kind]
    return Extracted(_normalise(reader(data)), kind)
