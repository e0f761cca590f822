"""Models to the dictionaries the response schemas describe."""

from __future__ import annotations

from flask import request

from engine.models import HumanTask, TaskState
from engine.services.instances import CaseView
from webapp.engine_ext import get_engine
from webapp.i18n import request_language


def reader() -> dict:
    """Where a read comes from, for the access log: the endpoint and the client's address."""
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return {"via": f"{request.method} {rule}", "client": request.remote_addr}


def task_dict(task: HumanTask) -> dict:
    engine = get_engine()
    definition = engine.specs.get(engine.session(), task.definition_id)
    language = request_language()
    return {
        "id": task.id,
        "process_instance_id": task.instance_id,
        "process_id": task.process_id,
        "process_version": task.process_version,
        "element_id": task.element_id,
        "name": task.name,
        "lane": task.lane,
        "role": task.role,
        "candidates": task.candidate_usernames or None,
        "state": task.state,
        "assignee": task.assignee.username if task.assignee else None,
        "business_key": task.business_key,
        "created_at": task.created_at,
        "due_at": task.due_at,
        "completed_at": task.completed_at,
        "form_schema": engine.classifiers.with_choices(definition.shown_form(task.form_file, language), language),
        "ui_schema": definition.shown_form(task.ui_form_file, language),
    }


def instance_dict(view: CaseView) -> dict:
    """The case as this reader may see it (`view.data` is already cut to their part in it)."""
    engine = get_engine()
    instance = view.instance
    ready = engine.tasks.inbox_for_instance(instance.id, state=TaskState.READY)
    return {
        "id": instance.id,
        "status": instance.status,
        "process_id": instance.process_id,
        "version": instance.process_version,
        "business_key": instance.business_key,
        "data": view.data,
        "ready_tasks": [task_dict(t) for t in ready],
        "incidents": [
            {"id": i.id, "task_id": i.task_id, "message": i.message, "created_at": i.created_at}
            for i in engine.instances.open_incidents(instance.id)
        ],
        "error_message": instance.error_message,
        "terminated_reason": instance.terminated_reason,
        "created_at": instance.created_at,
        "updated_at": instance.updated_at,
        "ended_at": instance.ended_at,
    }
