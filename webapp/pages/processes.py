"""The process analysts' pages: every deployed process with its versions and how many cases
run on each, a version's diagram with the number of cases waiting at each element drawn on
it, and the version's BPMN to download. Process analysts and admins only (others get 403):
the counts name no case, but the models are the analysts' working material."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, render_template, request
from sqlalchemy import func, select

from engine.errors import N_, NotFound, PermissionDenied
from engine.models import InstanceStatus, ProcessDefinition, ProcessInstance, User
from engine.services.element_counts import element_counts, may_read_counts
from webapp.engine_ext import get_engine
from webapp.pages.cases import diagram_xml
from webapp.pages.signin import signed_in_user, staff_page


def analyst() -> User:
    """The signed-in process analyst or admin; anyone else is refused."""
    actor = signed_in_user()
    if actor is None or not may_read_counts(actor):
        raise PermissionDenied(N_("this page is for process analysts and admins"))
    return actor


def version_row(process_id: str, version: int) -> ProcessDefinition:
    row = get_engine().deployments.resolve(process_id, version)
    if row is None:
        raise NotFound(
            N_("process %(process_id)s has no version %(version)s"), params={"process_id": process_id, "version": version}
        )
    return row


def version_bpmn(row: ProcessDefinition) -> tuple[str, str]:
    """(file name, text) of the BPMN file in the version's bundle that defines its process."""
    files = json.loads(row.bundle)
    for name, text in sorted(files.items()):
        xml = diagram_xml({name: text}, row.process_id)
        if xml is not None:
            return name, xml
    raise NotFound(N_("process %(process_id)s has no version %(version)s"),
                   params={"process_id": row.process_id, "version": row.version})


@staff_page
def process_list():
    analyst()
    engine = get_engine()
    session = engine.session()
    running = dict(
        session.execute(
            select(ProcessInstance.definition_id, func.count(ProcessInstance.id))
            .where(ProcessInstance.status.in_((InstanceStatus.RUNNING, InstanceStatus.ERROR)))
            .group_by(ProcessInstance.definition_id)
        ).all()
    )
    processes: dict[str, list[ProcessDefinition]] = {}
    for row in engine.deployments.definitions():
        processes.setdefault(row.process_id, []).append(row)
    listed = [
        {"process_id": pid, "name": rows[-1].name, "versions": [(row, running.get(row.id, 0)) for row in reversed(rows)]}
        for pid, rows in sorted(processes.items(), key=lambda item: (item[1][-1].name or item[0]).lower())
    ]
    return render_template("pages/processes.html", processes=listed)


@staff_page
def version_page(process_id: str, version: int):
    analyst()
    row = version_row(process_id, version)
    return render_template("pages/process_version.html", row=row)


@staff_page
def version_diagram(process_id: str, version: int):
    analyst()
    name, xml = version_bpmn(version_row(process_id, version))
    headers = {"Cache-Control": "private, max-age=300"}
    if request.args.get("download") == "1":
        headers["Content-Disposition"] = f'attachment; filename="{process_id}.v{version}.bpmn"'
    return Response(xml, mimetype="application/xml", headers=headers)


@staff_page
def version_counts(process_id: str, version: int):
    """The same answer as the API's element-counts, for the page's script (signed in by cookie)."""
    return jsonify(element_counts(get_engine(), analyst(), process_id, version))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/processes", "processes", process_list)
    bp.add_url_rule("/processes/<string:process_id>/<int:version>", "process_version", version_page)
    bp.add_url_rule("/processes/<string:process_id>/<int:version>/diagram.bpmn", "process_diagram", version_diagram)
    bp.add_url_rule("/processes/<string:process_id>/<int:version>/element-counts.json", "process_counts", version_counts)
