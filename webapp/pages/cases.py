"""The case page: the live diagram (bpmn-js navigated viewer, completed elements and current
tasks marked), the history timeline and the data the reader may see — the same cut of the
data and history the API gives them."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request
from flask_babel import lazy_gettext as _l
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import undefer

from engine import audit
from engine.bundle import parse_xml
from engine.errors import N_, NotFound
from engine.models import HumanTask, ProcessDefinition, TaskState
from engine.services.transaction import atomic
from webapp.documents import service as documents_service
from webapp.documents.models import CaseDocument
from webapp.engine_ext import get_engine
from webapp.pages.signin import signed_in_user, staff_page

EVENTS = {
    "instance_started": _l("started the case"),
    "task_completed": _l("completed a task"),
    "task_claimed": _l("claimed a task"),
    "task_unclaimed": _l("released a task"),
    "task_assigned": _l("assigned a task"),
    "timer_fired": _l("a deadline or timer passed"),
    "message_delivered": _l("a message arrived"),
    "message_sent": _l("sent a message"),
    "incident_opened": _l("an error stopped the case"),
    "incident_retried": _l("retried after an error"),
    "incident_skipped": _l("skipped a failed step"),
    "instance_terminated": _l("stopped the case"),
    "item_registered": _l("registered an item of the property register"),
    "item_moved": _l("handed over an item"),
    "item_transferred_with_case": _l("an item went with the case"),
    "item_returned_to_owner": _l("returned an item to its owner"),
    "item_acknowledged": _l("acknowledged receiving an item"),
    "document_generated": _l("issued a document"),
}
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _via() -> dict:
    return {"via": f"{request.method} {request.url_rule.rule}", "client": request.remote_addr}


def marked_elements(instance_id: str, history: list[dict]) -> tuple[list[str], list[str]]:
    """(completed, current) element ids: the case's completed tasks and every element its
    history names, and the tasks open now."""
    rows = get_engine().session().execute(
        select(HumanTask.element_id, HumanTask.state).where(HumanTask.instance_id == instance_id)
    ).all()
    current = sorted({element for element, state in rows if state == TaskState.READY})
    completed = {element for element, state in rows if state == TaskState.COMPLETED}
    completed.update(
        entry["data"]["element_id"] for entry in history
        if isinstance(entry.get("data"), dict) and isinstance(entry["data"].get("element_id"), str)
    )
    return sorted(completed - set(current)), current


@staff_page
def case_page(instance_id: str):
    engine, actor = get_engine(), signed_in_user()
    view = engine.instances.read(actor, instance_id, **_via())
    history = engine.instances.history(actor, instance_id, **_via())
    completed, current = marked_elements(instance_id, history)
    process = engine.session().get(ProcessDefinition, view.instance.definition_id)
    ready = engine.tasks.inbox_for_instance(instance_id, state=TaskState.READY)
    return render_template(
        "pages/case.html", instance=view.instance, data=view.data, history=history, process=process,
        ready=ready, completed=" ".join(completed), current=" ".join(current),
        incidents=engine.instances.open_incidents(instance_id), pretty=_pretty, event_label=event_label,
        documents=documents_service.documents_of(engine.session(), instance_id),
    )


def event_label(event: str) -> str:
    return str(EVENTS.get(event, event))


def _pretty(value) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=1)
    return "" if value is None else str(value)


def diagram_xml(files: dict[str, str], process_id: str) -> str | None:
    """The BPMN file of the bundle that defines `process_id` (a bundle may hold called processes too)."""
    for name, text in sorted(files.items()):
        if not name.endswith(".bpmn"):
            continue
        root, problem = parse_xml(name, text.encode())
        if problem is None and root is not None and any(
            process.get("id") == process_id for process in root.iter(f"{{{BPMN_NS}}}process")
        ):
            return etree.tostring(root, encoding="unicode")
    return None


@staff_page
def diagram(instance_id: str):
    engine, actor = get_engine(), signed_in_user()
    instance = engine.instances.get(actor, instance_id)  # 404 for a case they take no part in
    engine.access.log_read(actor, instance_id, **_via())  # the diagram is a read of the case too
    row = engine.session().get(ProcessDefinition, instance.definition_id, options=[undefer(ProcessDefinition.bundle)])
    xml = diagram_xml(json.loads(row.bundle), instance.process_id) if row is not None else None
    if xml is None:
        raise NotFound(N_("process instance %(instance)s does not exist"), params={"instance": instance_id})
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "private, max-age=300"})


@staff_page
def document(instance_id: str, document_id: str):
    """A case's document for the signed-in reader of the case (404 to anyone else), access-logged."""
    engine, actor = get_engine(), signed_in_user()
    engine.instances.get(actor, instance_id)
    row = engine.session().get(CaseDocument, document_id)
    if row is None or row.instance_id != instance_id:
        raise NotFound(N_("document %(document)s does not exist"), params={"document": document_id})
    content = documents_service.content_of(engine.session(), row)
    session = engine.session()
    with atomic(session, N_("the download could not be logged")):
        audit.record(session, engine.clock.now(), actor.username, "document_downloaded", instance_id=instance_id,
                     kind="access", data={"document_id": row.id, "sha256": row.sha256, **_via()})
    return Response(content, mimetype=row.media_type, headers={
        "Content-Disposition": f'attachment; filename="{row.file_name}"', "Cache-Control": "private, no-store"})


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/cases/<string:instance_id>", "case", case_page)
    bp.add_url_rule("/cases/<string:instance_id>/documents/<string:document_id>", "case_document", document)
    bp.add_url_rule("/cases/<string:instance_id>/diagram.bpmn", "diagram", diagram)
