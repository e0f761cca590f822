"""The start page: the processes the person may start (`may_start`, the API's rule), each with
its start form rendered on the server."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from engine.errors import N_, InvalidInput, NotFound, PermissionDenied
from engine.models import ProcessDefinition, TaskState
from engine.services.approvals import unapproved_ids
from webapp.api.errors import translated
from webapp.engine_ext import get_engine
from webapp.i18n import request_language
from webapp.pages.form_html import parse_submission, render_form
from webapp.pages.signin import signed_in_user, staff_page
from webapp.pages.tasks import field_errors

EMPTY_FORM = {"type": "object", "properties": {}}


def startable() -> list[ProcessDefinition]:
    engine, actor = get_engine(), signed_in_user()
    session = engine.session()
    # The current version of each process: its latest approved one (engine.services.approvals).
    latest = select(ProcessDefinition.process_id, func.max(ProcessDefinition.version).label("v")).where(
        ProcessDefinition.id.not_in(unapproved_ids())).group_by(ProcessDefinition.process_id).subquery()
    rows = session.scalars(
        select(ProcessDefinition).join(
            latest, (latest.c.process_id == ProcessDefinition.process_id) & (latest.c.v == ProcessDefinition.version)
        ).order_by(ProcessDefinition.name, ProcessDefinition.process_id)
    )
    return [row for row in rows if engine.instances.may_start(actor, engine.specs.get(session, row.id))]


def _definition(process_id: str):
    engine, actor = get_engine(), signed_in_user()
    row = engine.deployments.resolve(process_id, None)
    if row is None:
        raise NotFound(N_("process %(process)r is not deployed"), params={"process": process_id})
    definition = engine.specs.get(engine.session(), row.id)
    if not engine.instances.may_start(actor, definition):
        raise PermissionDenied(N_("starting process %(process)r needs one of the roles: %(roles)s"), params={
            "process": process_id,
            "roles": ", ".join(sorted(engine.instances.starting_roles(definition) or engine.instances.lane_roles(definition))),
        })
    return row, definition


def _forms(definition) -> tuple[dict, dict]:
    language = request_language()
    form_file, ui_file = definition.start_form_files()
    schema = definition.shown_form(form_file, language) or EMPTY_FORM
    return get_engine().classifiers.with_choices(schema, language), definition.shown_form(ui_file, language) or {}


@staff_page
def start_list():
    return render_template("pages/start_list.html", processes=startable())


def _form_page(row, definition, data: dict, errors: dict[str, str], business_key: str, status: int = 200,
               summary: str | None = None):
    schema, ui = _forms(definition)
    form = render_form(schema, ui, data=data, errors=errors, lang=request_language())
    return render_template("pages/start_form.html", process=row, form=form, business_key=business_key,
                           errors=errors, summary=summary), status


@staff_page
def start_form(process_id: str):
    row, definition = _definition(process_id)
    return _form_page(row, definition, {}, {}, "")


@staff_page
def start_post(process_id: str):
    engine, actor = get_engine(), signed_in_user()
    row, definition = _definition(process_id)
    schema, ui = _forms(definition)
    submission = parse_submission(schema, ui, request.form)
    business_key = request.form.get("business_key", "").strip()[:200]
    if isinstance(submission.action, tuple):  # an array's add / remove button: the renderer applied it
        return _form_page(row, definition, submission.data, {}, business_key)
    try:
        instance = engine.instances.start(actor, process_id, None, submission.data, business_key or None)
    except InvalidInput as err:
        return _form_page(row, definition, submission.data, field_errors(err.errors), business_key, 422,
                          translated(err.template, err.params))
    flash(_("Case started."), "success")
    for task in engine.tasks.inbox(actor, instance_id=instance.id, state=TaskState.READY, limit=10):
        if engine.access.may_work(actor, task, instance.started_by):
            return redirect(url_for("pages.task", task_id=task.id))
    return redirect(url_for("pages.case", instance_id=instance.id))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/start", "start_list", start_list)
    bp.add_url_rule("/start/<string:process_id>", "start_form", start_form, methods=["GET"])
    bp.add_url_rule("/start/<string:process_id>", "start_post", start_post, methods=["POST"])
