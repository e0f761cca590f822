"""The template folder: one sub-folder per template, each with its manifest and its sources.

    <folder>/<name>/template.json   {"name", "version", "kind", "title_lv", "title_en",
                                     "issuers": [roles], "law": {...}, "labels": {...}}
    <folder>/<name>/document.html   the PDF's HTML (Jinja), styled by assets/base.css
    <folder>/<name>/document.docx   the DOCX (docxtpl: Jinja inside Word's text)

An analyst replaces a template by editing these files and raising `version`; every stored
document records the template's name, version and the SHA-256 of the sources it came from.
The files are untrusted: each is size-bounded, a DOCX is checked as a ZIP (entry count and
uncompressed size, so a ZIP bomb is refused unopened), and the manifest must be plain JSON.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from documents.errors import TemplateNotFound, TemplateRefused
from documents.templating import check_source

BUNDLED = Path(__file__).parent / "templates"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_MANIFEST = 64 * 1024
MAX_HTML = 256 * 1024
MAX_DOCX = 2 * 1024 * 1024
MAX_DOCX_UNPACKED = 20 * 1024 * 1024
MAX_DOCX_ENTRIES = 300
FORMATS = ("pdf", "docx")


@dataclass(frozen=True)
class Template:
    name: str
    version: str
    kind: str
    title_lv: str
    title_en: str
    issuers: tuple[str, ...]
    law: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    html: str | None = None
    docx: bytes | None = None

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(f for f, source in (("pdf", self.html), ("docx", self.docx)) if source is not None)

    def source_sha256(self, fmt: str) -> str:
        source = self.html.encode() if fmt == "pdf" and self.html is not None else self.docx or b""
        return hashlib.sha256(source).hexdigest()


def _read(path: Path, limit: int, what: str) -> bytes | None:
    if not path.is_file():
        return None
    if path.stat().st_size > limit:
        raise TemplateRefused(f"{what} is larger than {limit // 1024} KiB", template=what)
    return path.read_bytes()


def check_docx(data: bytes, what: str) -> None:
    """A DOCX is a ZIP: refuse one that is not, or that unpacks to too much, before docxtpl opens it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as err:
        raise TemplateRefused(f"{what} is not a DOCX file (not a ZIP archive)", template=what) from err
    if len(entries) > MAX_DOCX_ENTRIES:
        raise TemplateRefused(f"{what} has more than {MAX_DOCX_ENTRIES} parts", template=what)
    if sum(entry.file_size for entry in entries) > MAX_DOCX_UNPACKED:
        raise TemplateRefused(f"{what} unpacks to more than {MAX_DOCX_UNPACKED // 1024 // 1024} MiB", template=what)
    if "word/document.xml" not in {entry.filename for entry in entries}:
        raise TemplateRefused(f"{what} has no word/document.xml: it is not a Word document", template=what)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in entries:
            if entry.filename.endswith((".xml", ".rels")) and DECLARATION.search(archive.read(entry)):
                raise TemplateRefused(f"{what}: {entry.filename} declares a DOCTYPE or entities, which a template "
                                      "may not (they can reach files)", template=what)


def load(folder: Path, name: str) -> Template:
    """The template `name` from `folder`, checked; TemplateNotFound or TemplateRefused otherwise."""
    if not NAME.match(name or ""):
        raise TemplateNotFound(f"there is no document template named {name!r}", template=name)
    base = Path(folder) / name
    raw = _read(base / "template.json", MAX_MANIFEST, f"{name}/template.json")
    if raw is None:
        raise TemplateNotFound(f"there is no document template named {name!r}", template=name)
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise TemplateRefused(f"{name}/template.json is not JSON: {err}", template=name) from err
    if not isinstance(manifest, dict) or manifest.get("name") != name:
        raise TemplateRefused(f"{name}/template.json must be an object whose name is {name!r}", template=name)
    for key in ("version", "kind", "title_lv", "title_en"):
        if not isinstance(manifest.get(key), str) or not manifest[key].strip():
            raise TemplateRefused(f"{name}/template.json needs a text {key!r}", template=name)
    issuers = manifest.get("issuers", [])
    if not isinstance(issuers, list) or not all(isinstance(role, str) for role in issuers):
        raise TemplateRefused(f"{name}/template.json: issuers must be a list of role codes", template=name)
    for key in ("law", "labels"):
        if not isinstance(manifest.get(key, {}), dict):
            raise TemplateRefused(f"{name}/template.json: {key} must be an object", template=name)
    html_bytes = _read(base / "document.html", MAX_HTML, f"{name}/document.html")
    html = None
    if html_bytes is not None:
        try:
            html = html_bytes.decode("utf-8")
        except UnicodeDecodeError as err:
            raise TemplateRefused(f"{name}/document.html is not UTF-8 text", template=name) from err
        check_source(html, f"{name}/document.html")
    docx = _read(base / "document.docx", MAX_DOCX, f"{name}/document.docx")
    if docx is not None:
        check_docx(docx, f"{name}/document.docx")
    if html is None and docx is None:
        raise TemplateRefused(f"{name} has neither document.html nor document.docx", template=name)
    return Template(
        name=name, version=manifest["version"].strip(), kind=manifest["kind"].strip(),
        title_lv=manifest["title_lv"], title_en=manifest["title_en"], issuers=tuple(issuers),
        law=manifest.get("law", {}), labels=manifest.get("labels", {}), html=html, docx=docx,
    )


def names(folder: Path) -> list[str]:
    """The template names in `folder` (sub-folders holding a manifest)."""
    root = Path(folder)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if NAME.match(p.name) and (p / "template.json").is_file())
