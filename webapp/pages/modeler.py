"""The modeler page: bpmn-js with its properties panel and a small Lieta panel, to create a
process or edit a copy of a deployed version, validate it with the server's own deployment
check (the dry run) and deploy it as a new version.

The page's script talks to the routes below with the session cookie and the CSRF token (the
API wants bearer tokens); they call the same deployment service as `POST /api/v1/deployments`
and answer with the API's shapes. The edited diagram travels with the rest of the version's
bundle (its forms, decision tables, called processes), so a copy deploys as the original did;
a form file the diagram names that the bundle lacks is taken from the latest deployed versions.
"""

from __future__ import annotations

import json
import re

from flask import Blueprint, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from engine.bundle import BPMN_NS, parse_xml
from engine.errors import N_, DeploymentInvalid, EngineError, InvalidInput
from engine.models import ProcessDefinition
from webapp.api.errors import STATUS_BY_ERROR, error_body, localised, translated
from webapp.engine_ext import get_engine
from webapp.i18n import request_language
from webapp.pages.processes import analyst, version_bpmn, version_row
from webapp.pages.security import CSP, protect
from webapp.pages.signin import staff_page

# The properties panel sets inline styles (its resizer, its popups), so this page alone also
# allows them; scripts stay 'self' only.
MODELER_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def _latest_bundles() -> list[dict[str, str]]:
    session = get_engine().session()
    latest = select(ProcessDefinition.process_id, func.max(ProcessDefinition.version).label("v")).group_by(
        ProcessDefinition.process_id).subquery()
    rows = session.scalars(select(ProcessDefinition).join(
        latest, (latest.c.process_id == ProcessDefinition.process_id) & (latest.c.v == ProcessDefinition.version)
    ).options(undefer(ProcessDefinition.bundle)))
    return [json.loads(row.bundle) for row in rows]


def _main_name(xml: str) -> str:
    """A new diagram's file name: its process id, made safe for a file name."""
    root, _problem = parse_xml("diagram.bpmn", xml.encode())
    process = next(iter(root.iter(f"{{{BPMN_NS}}}process")), None) if root is not None else None
    stem = SAFE_NAME.sub("_", process.get("id") or "") if process is not None else ""
    return f"{stem or 'process'}.bpmn"


def _bundle(body: object) -> list[tuple[str, bytes]]:
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str) or not body["xml"].strip():
        raise InvalidInput(_("send the diagram as JSON: {\"xml\": \"<bpmn:definitions …>\"}"),
                           [{"field": "/xml", "message": _("required")}])
    xml = body["xml"]
    source = body.get("source")
    files: dict[str, str] = {}
    name = _main_name(xml)
    if source is not None:
        if not (isinstance(source, dict) and isinstance(source.get("process_id"), str)
                and isinstance(source.get("version"), int) and not isinstance(source.get("version"), bool)):
            raise InvalidInput(_("the source must name a process id and a version number"),
                               [{"field": "/source", "message": _("invalid")}])
        row = version_row(source["process_id"], source["version"])
        files = json.loads(row.bundle)
        name, _old = version_bpmn(row)
    files[name] = xml
    for bundle in _latest_bundles():
        for other, text in bundle.items():
            if other.endswith(".json") and other not in files and other in xml:
                files[other] = text
    return [(file_name, text.encode()) for file_name, text in sorted(files.items())]


def _json_error(err: EngineError):
    status = next((code for cls, code in STATUS_BY_ERROR if isinstance(err, cls)), 500)
    if status == 500:
        raise err  # the pages' handler logs it and answers 500
    errors = None
    if isinstance(err, DeploymentInvalid):
        errors = [p.as_dict() | ({"message": translated(p.template, p.params)} if p.template else {}) for p in err.problems]
    elif isinstance(err, InvalidInput):
        errors = localised(err.errors)
    return error_body(translated(err.template, err.params), errors, status)


@staff_page
def modeler_page():
    analyst()
    source = None
    if request.args.get("from"):
        try:
            version = int(request.args.get("version", ""))
        except ValueError:
            raise InvalidInput(N_("the version must be a number")) from None
        row = version_row(request.args["from"], version)
        source = {"process_id": row.process_id, "version": row.version, "name": row.name}
    response = make_response(render_template("pages/modeler.html", source=source))
    response.headers["Content-Security-Policy"] = MODELER_CSP
    return response


@staff_page
def choices():
    """What the Lieta panel offers: form files, service operations, message names, lane roles."""
    analyst()
    engine = get_engine()
    forms = sorted({name for bundle in _latest_bundles() for name in bundle if name.endswith(".json")})
    language = request_language()
    roles = sorted(
        ({"code": role.code, "name": role.name_en if language == "en" else role.name_lv}
         for role in engine.directory.roles() if role.active),
        key=lambda role: role["code"],
    )
    return jsonify({
        "forms": [name for name in forms if not name.endswith(".ui.json")],
        "ui_forms": [name for name in forms if name.endswith(".ui.json")],
        "operations": engine.operations.names(),
        "messages": [entry.name for entry in engine.catalogue.list()],
        "roles": roles,
    })


def _checked_or_deployed(deploy: bool):
    protect()
    try:
        actor = analyst()
        files = _bundle(request.get_json(silent=True))
        service = get_engine().deployments
        if deploy:
            result = service.deploy(actor, files)
            return jsonify({
                "id": result.id, "processes": [p.__dict__ for p in result.processes],
                "warnings": [w.as_dict() for w in result.warnings],
            }), (201 if result.created else 200)
        checked = service.dry_run(actor, files)
        return jsonify({
            "processes": [p.__dict__ for p in checked.processes], "warnings": [w.as_dict() for w in checked.warnings],
        }), 200
    except EngineError as err:
        return _json_error(err)


@staff_page
def check():
    return _checked_or_deployed(deploy=False)


@staff_page
def deploy():
    return _checked_or_deployed(deploy=True)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/modeler", "modeler", modeler_page)
    bp.add_url_rule("/modeler/choices.json", "modeler_choices", choices)
    bp.add_url_rule("/modeler/check", "modeler_check", check, methods=["POST"])
    bp.add_url_rule("/modeler/deploy", "modeler_deploy", deploy, methods=["POST"])
