"""Checking a document: its bytes against the store's SHA-256, and a PDF's seal against the
institution's certificate. Used by `flask documents verify FILE_OR_ID`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from documents import DocumentError
from documents.seal import verify as verify_seal
from webapp.documents import service
from webapp.documents.models import CaseDocument, DocumentContent

MAX_FILE = 64 * 1024 * 1024


@dataclass
class Verdict:
    ok: bool = True
    lines: list[str] = field(default_factory=list)

    def fail(self, sentence: str) -> None:
        self.ok = False
        self.lines.append(sentence)


def _load(session, target: str) -> tuple[bytes | None, CaseDocument | None, str]:
    path = Path(target)
    if path.is_file():
        if path.stat().st_size > MAX_FILE:
            return None, None, f"the file {target} is larger than {MAX_FILE // 1024 // 1024} MiB"
        return path.read_bytes(), None, ""
    document = session.get(CaseDocument, target) if len(target) <= 36 else None
    if document is None:
        return None, None, f"{target} is neither a readable file nor the id of a stored document"
    content = session.get(DocumentContent, document.sha256)
    return (content.content if content is not None else None), document, ""


def verify(session, target: str, now) -> Verdict:
    verdict = Verdict()
    content, document, problem = _load(session, target)
    if content is None:
        verdict.fail(problem or f"the content of document {target} is missing from the store")
        return verdict
    digest = hashlib.sha256(content).hexdigest()
    if document is not None:
        if digest != document.sha256:
            verdict.fail(f"the stored content of document {document.id} no longer has its SHA-256 {document.sha256} "
                         f"(it hashes to {digest}): it was changed in the store")
        else:
            verdict.lines.append(f"document {document.id} ({document.file_name}, case {document.instance_id}): "
                                 f"SHA-256 {digest} matches the store")
    else:
        matches = service.by_hash(session, digest)
        if not matches:
            verdict.fail(f"the file's SHA-256 {digest} matches no document in the store: "
                         "it was changed, or was not issued here")
        else:
            document = matches[0]
            verdict.lines.append(f"SHA-256 {digest} matches document {document.id} ({document.file_name}, "
                                 f"case {document.instance_id})")
    if content[:5] == b"%PDF-":
        try:
            report = verify_seal(content, [cert for cert, _key in service.seal_paths(now)])
        except DocumentError as err:
            verdict.fail(f"the seal could not be checked: {err.message}")
            return verdict
        if report.valid:
            verdict.lines.append(f"{report.reason} (sealed by {report.signer}, {report.signed_at})")
        else:
            verdict.fail(report.reason)
    elif document is not None and document.sealed:
        verdict.fail("the document should be a sealed PDF but is not a PDF")
    return verdict
