"""The task page: the case header, the instructions filled in with the case data, the form
rendered on the server from the task's JSON Schema; submit (validated by the engine's own
validator, errors shown at each field with the input kept), save draft, array add / remove.
After a submit the person goes on to their next task in the same case, or back to the inbox."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.models import ProcessDefinition, ProcessInstance, TaskState
from webapp.api.errors import localised, translated
from webapp.engine_ext import get_engine
from webapp.i18n import request_language
from webapp.pages import drafts
from webapp.pages.form_html import parse_submission, render_form
from webapp.pages.signin import signed_in_user, staff_page


def shown_schema(definition, form_file: str | None, language: str) -> dict:
    """The form as the person sees it: in their language, each classifier-bound field offering
    today's codes as choices (the same schema the post is read against)."""
    schema = definition.shown_form(form_file, language) or {"type": "object", "properties": {}}
    return get_engine().classifiers.with_choices(schema, language)


def field_errors(errors) -> dict[str, str]:
    """The engine's field errors, in the reader's language, keyed by JSON pointer."""
    shown: dict[str, str] = {}
    for item in localised(errors) or []:
        if isinstance(item, dict):
            shown.setdefault(item.get("field") or "", item.get("message") or "")
    return shown


def _page(task_id: str, *, data: dict | None = None, errors: dict[str, str] | None = None, status: int = 200,
          summary: str | None = None):
    engine, actor = get_engine(), signed_in_user()
    language = request_language()
    task, shown_data, rendered = engine.tasks.detail(actor, task_id, language)
    engine.access.log_read(actor, task.instance_id, via=f"{request.method} /tasks/<task_id>", client=request.remote_addr)
    session = engine.session()
    definition = engine.specs.get(session, task.definition_id)
    schema = shown_schema(definition, task.form_file, language)
    ui = definition.shown_form(task.ui_form_file, language) or {}
    may_work = task.state == TaskState.READY and engine.access.may_work(actor, task, _started_by(task.instance_id)) and (
        task.assignee_id in (None, actor.id) or actor.is_admin)
    draft = drafts.load(actor, task.id) if data is None else None
    if data is None:
        data = draft.data if draft is not None else shown_data
    form = render_form(schema, ui, data=data, errors=errors or {}, lang=language) if may_work else None
    process = session.get(ProcessDefinition, task.definition_id)
    body = render_template(
        "pages/task.html", task=task, process=process, instructions=rendered, form=form, may_work=may_work,
        data=shown_data, draft=draft, errors=errors or {}, summary=summary, schema=schema,
        now=engine.clock.now(),
    )
    return body, status


def _started_by(instance_id: str) -> int | None:
    instance = get_engine().session().get(ProcessInstance, instance_id)
    return instance.started_by if instance is not None else None


@staff_page
def task_page(task_id: str):
    return _page(task_id)


@staff_page
def task_post(task_id: str):
    engine, actor = get_engine(), signed_in_user()
    language = request_language()
    task = engine.tasks.get(actor, task_id)  # 404 for a case the person takes no part in
    definition = engine.specs.get(engine.session(), task.definition_id)
    schema = shown_schema(definition, task.form_file, language)
    ui = definition.shown_form(task.ui_form_file, language) or {}
    submission = parse_submission(schema, ui, request.form)
    action = submission.action
    if action == "save_draft":
        drafts.save(actor, task_id, submission.data)
        flash(_("Draft saved. It is kept for you until you submit the task."), "success")
        return redirect(url_for("pages.task", task_id=task_id))
    if isinstance(action, tuple):  # an array's add / remove button: the renderer applied it to the data
        return _page(task_id, data=submission.data)
    try:
        engine.tasks.complete(actor, task_id, submission.data)
    except InvalidInput as err:
        return _page(task_id, data=submission.data, errors=field_errors(err.errors), status=422,
                     summary=translated(err.template, err.params))
    drafts.discard(actor, task_id)
    flash(_("Task “%(name)s” completed.", name=task.name or task.element_id), "success")
    return redirect(_next_after(task.instance_id))


def _next_after(instance_id: str) -> str:
    """The person's next open task in the same case, else the inbox."""
    engine, actor = get_engine(), signed_in_user()
    for candidate in engine.tasks.inbox(actor, instance_id=instance_id, state=TaskState.READY, limit=50):
        if engine.access.may_work(actor, candidate, _started_by(instance_id)) and candidate.assignee_id in (None, actor.id):
            return url_for("pages.task", task_id=candidate.id)
    return url_for("pages.inbox")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/tasks/<string:task_id>", "task", task_page, methods=["GET"])
    bp.add_url_rule("/tasks/<string:task_id>", "task_post", task_post, methods=["POST"])
