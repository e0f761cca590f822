"""The `render_document` service operation: a BPMN service task makes a decision document from
its own case's data.

    <spiffworkflow:serviceTaskOperator id="render_document" resultVariable="decision_document">
      parameters: template (a name, as a string expression), format ("pdf" | "docx" | "both"),
                  issued_by (optional: who signs, printed on the document)

The case is the calling one (from the call context, never a parameter) and the values are that
case's data only. It runs inside the engine's change: the stored document, its attachment and
its audit row are committed (or rolled back) with the case. The result, kept in the case's data
under the task's result variable, names the documents made: `{"documents": [{"document_id",
"format", "sha256", "file_name", "template", "template_version"}]}`.
"""

from __future__ import annotations

from typing import Any

from engine.errors import N_, InvalidInput
from engine.service_registry import current_call
from webapp.documents import service
from webapp.extensions import db

OPERATION = "render_document"
FORMATS = {"pdf": ("pdf",), "docx": ("docx",), "both": ("pdf", "docx")}
ACTOR = "system"


def render_document(engine, params: dict, task_data: dict) -> dict[str, Any]:
    call = current_call.get()
    if call is None or call.instance_id is None:
        raise InvalidInput(N_("%(operation)s runs only as a service task of a case"), params={"operation": OPERATION})
    template = params.get("template")
    if not isinstance(template, str) or not template:
        raise InvalidInput(N_("%(operation)s needs the parameter template (a template name)"),
                           params={"operation": OPERATION})
    formats = FORMATS.get(params.get("format") or "pdf")
    if formats is None:
        raise InvalidInput(N_("format must be pdf, docx or both, not %(format)s"), params={"format": str(params.get("format"))[:20]})
    issued_by = params.get("issued_by")
    issued_by = issued_by if isinstance(issued_by, str) and issued_by else service.settings().document_institution
    now = engine.clock.now()
    session = db.session
    made = []
    # The calling case may not be flushed yet; the engine's own save flushes (as assign_defence_lawyer).
    with session.no_autoflush:
        for fmt in formats:
            row = service.generate(
                session, instance_id=call.instance_id, case_reference=call.case_reference, data=task_data,
                template_name=template, fmt=fmt, actor=ACTOR, issued_by=issued_by, now=now,
                task_id=call.task_id, element_id=call.element_id,
            )
            made.append({"document_id": row.id, "format": fmt, "sha256": row.sha256, "file_name": row.file_name,
                         "template": row.template_name, "template_version": row.template_version})
    return {"documents": made}
