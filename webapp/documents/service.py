"""Making, storing and finding a case's documents.

`generate` renders a template from one case's data, seals a PDF, stores the bytes by their
SHA-256, attaches the document to the case and records it in the audit, all on the caller's
session: inside a service task the engine's change commits it with the case; on request the API
wraps it in `atomic`. Nothing here commits.

The values a template sees are the case's data, plus `document` (place, date, institution, who
issues it, and for a template whose manifest names `complaint_days` the last day of the complaint
window by the Latvian deadline rules), `law` and `labels` from the manifest, and `template`.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from documents import DocumentError, catalogue
from documents.catalogue import Template
from documents.docx import render_docx
from documents.pdf import render_pdf
from documents.seal import Sealer, demo_certificate
from engine import audit
from engine.deadlines import days_deadline, riga_today
from engine.errors import N_, InvalidInput, NotFound
from webapp.documents.models import CaseDocument, DocumentContent
from webapp.settings import Settings

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def settings() -> Settings:
    return current_app.config["LIETA_SETTINGS"]


def templates_folder() -> Path:
    configured = settings().document_templates_dir
    return Path(configured) if configured else catalogue.BUNDLED


def load_template(name: str) -> Template:
    try:
        return catalogue.load(templates_folder(), name)
    except DocumentError as err:
        if isinstance(err, catalogue.TemplateNotFound):
            raise NotFound(N_("there is no document template named %(template)s"), params={"template": name}) from err
        raise InvalidInput(N_("the document template %(template)s cannot be used: %(reason)s"),
                           params={"template": name, "reason": err.message}) from err


def seal_paths(now: datetime) -> list[tuple[Path, Path]]:
    """(certificate, key) of the seal: the configured files, or in demo mode the demo certificate
    (made on first use in the instance folder)."""
    config = settings()
    if config.seal_cert_file and config.seal_key_file:
        return [(Path(config.seal_cert_file), Path(config.seal_key_file))]
    if config.demo_mode:
        return [demo_certificate(Path(current_app.instance_path), config.document_institution, now)]
    return []


def sealer(now: datetime) -> Sealer:
    cached = current_app.extensions.get("lieta_document_sealer")
    if cached is not None:
        return cached
    paths = seal_paths(now)
    if not paths:
        raise InvalidInput(N_("no seal certificate is configured: set LIETA_SEAL_CERT and LIETA_SEAL_KEY"))
    try:
        made = Sealer(*paths[0], passphrase=settings().seal_key_passphrase or None)
    except DocumentError as err:
        raise InvalidInput(N_("the seal cannot be used: %(reason)s"), params={"reason": err.message}) from err
    current_app.extensions["lieta_document_sealer"] = made
    return made


def template_values(template: Template, data: dict, issued_by: str, now: datetime) -> dict:
    config = settings()
    document = {
        "issued_on": riga_today(now).isoformat(),
        "place": config.document_place,
        "institution": config.document_institution,
        "issued_by": issued_by,
    }
    complaint_days = template.law.get("complaint_days")
    if isinstance(complaint_days, int) and 0 < complaint_days <= 366:
        document["complaint_until"] = days_deadline(now, complaint_days).date().isoformat()
    meta = {"name": template.name, "version": template.version, "title_lv": template.title_lv,
            "title_en": template.title_en}
    return {**data, "document": document, "law": template.law, "labels": template.labels, "template": meta}


def render(template: Template, fmt: str, values: dict) -> bytes:
    what = f"{template.name} {template.version}"
    try:
        if fmt == "pdf" and template.html is not None:
            return render_pdf(template.html, values, what)
        if fmt == "docx" and template.docx is not None:
            return render_docx(template.docx, values, what)
    except DocumentError as err:
        raise InvalidInput(N_("the document %(template)s could not be made: %(reason)s"),
                           params={"template": what, "reason": err.message}) from err
    raise InvalidInput(N_("the template %(template)s has no %(format)s form"),
                       params={"template": template.name, "format": fmt})


def generate(
    session: Session, *, instance_id: str, case_reference: str | None, data: dict, template_name: str, fmt: str,
    actor: str, issued_by: str, now: datetime, task_id: str | None = None, element_id: str | None = None,
) -> CaseDocument:
    """Render, seal (PDF), store and attach one document; audited. The caller commits."""
    if fmt not in MEDIA_TYPES:
        raise InvalidInput(N_("a document is made as pdf or docx, not %(format)s"), params={"format": str(fmt)[:20]})
    template = load_template(template_name)
    content = render(template, fmt, template_values(template, data, issued_by, now))
    sealed = False
    if fmt == "pdf":
        try:
            content = sealer(now).seal(content, reason=template.title_lv, location=settings().document_place)
        except DocumentError as err:
            raise InvalidInput(N_("the seal cannot be used: %(reason)s"), params={"reason": err.message}) from err
        sealed = True
    digest = hashlib.sha256(content).hexdigest()
    if session.get(DocumentContent, digest) is None:
        session.add(DocumentContent(sha256=digest, size=len(content), content=content, created_at=now))
    reference = SAFE_NAME.sub("_", case_reference or instance_id[:8])[:80]
    row = CaseDocument(
        id=str(uuid.uuid4()), instance_id=instance_id, sha256=digest, format=fmt, media_type=MEDIA_TYPES[fmt],
        file_name=f"{template.name}-{reference}.{fmt}", kind=template.kind, title=template.title_lv[:300],
        template_name=template.name, template_version=template.version[:32],
        template_sha256=template.source_sha256(fmt), sealed=sealed, created_at=now, created_by=actor[:200],
        task_id=task_id, element_id=element_id,
    )
    session.add(row)
    audit.record(
        session, now, actor, "document_generated", instance_id=instance_id, task_id=task_id,
        data={"document_id": row.id, "template": template.name, "template_version": template.version,
              "format": fmt, "kind": template.kind, "sha256": digest, "sealed": sealed, "element_id": element_id},
    )
    return row


def documents_of(session: Session, instance_id: str) -> list[CaseDocument]:
    return list(session.scalars(
        select(CaseDocument).where(CaseDocument.instance_id == instance_id)
        .order_by(CaseDocument.created_at, CaseDocument.id)
    ))


def content_of(session: Session, document: CaseDocument) -> bytes:
    return session.get(DocumentContent, document.sha256).content


def by_hash(session: Session, digest: str) -> list[CaseDocument]:
    return list(session.scalars(select(CaseDocument).where(CaseDocument.sha256 == digest)))
