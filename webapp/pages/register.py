"""The case's property register page: every item with its custody chain, forms to move,
acknowledge and return an item, the list of evidence as PDF and each item's QR label.

The same service as the API decides everything (need-to-know, holding, statuses); a refused
action comes back to the page with the reason, the form's input kept.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine import property_rules as rules
from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.models import ProcessInstance
from engine.services.property_register import REGISTER_ROLES
from webapp.api.errors import localised, translated
from webapp.engine_ext import get_engine
from webapp.i18n import request_language
from webapp.pages.signin import signed_in_user, staff_page
from webapp.register import documents

RECEIVER_KINDS = (rules.INSTITUTION, rules.UNIT, rules.USER)


def _via() -> dict:
    return {"via": f"{request.method} {request.url_rule.rule}", "client": request.remote_addr}


def _page(instance_id: str, *, problem: str | None = None, problem_item: int | None = None,
          form: dict | None = None, status: int = 200):
    engine, actor = get_engine(), signed_in_user()
    register = engine.property_register
    items = register.items(actor, instance_id, **_via())  # 404 for a case they take no part in; logs the read
    instance = engine.session().get(ProcessInstance, instance_id)
    language = request_language()
    views = [register.view(item) for item in items]
    held = {v.item.id for v in views if _holds(actor, v.item)}
    body = render_template(
        "pages/register.html", instance=instance, views=views, held=held, kinds=documents.kind_names(language),
        status_name=documents.status_name, action_name=documents.action_name, holder_name=documents.holder_name,
        move_statuses=rules.MOVE_STATUSES, receiver_kinds=RECEIVER_KINDS, final=rules.FINAL,
        initial_statuses=rules.INITIAL, may_register=actor.is_admin or bool(actor.roles & REGISTER_ROLES),
        problem=problem, problem_item=problem_item, form=form or {},
    )
    return body, status


def _holds(actor, item) -> bool:
    return rules.holds(rules.Holder(item.holder_kind, item.holder_code), actor.username, actor.unit_code,
                       actor.institution_code)


@staff_page
def register_page(instance_id: str):
    return _page(instance_id)


@staff_page
def register_post(instance_id: str):
    actor, form = signed_in_user(), request.form
    body = {key: form.get(key, "").strip() or None for key in ("kind", "description", "owner", "storage_place", "status")}
    return _act(instance_id, 0, lambda: get_engine().property_register.register(actor, instance_id, body),
                _("The item was registered."))


def _act(instance_id: str, item_id: int, action, done: str):
    try:
        action()
    except (InvalidInput, Conflict, PermissionDenied) as err:
        details = [e.get("message") for e in localised(getattr(err, "errors", None)) or [] if isinstance(e, dict)]
        text = translated(err.template, err.params) + ("" if not details else ": " + "; ".join(details))
        status = 422 if isinstance(err, InvalidInput) else 409 if isinstance(err, Conflict) else 403
        return _page(instance_id, problem=text, problem_item=item_id, form=request.form.to_dict(), status=status)
    flash(done, "success")
    return redirect(url_for("pages.register", instance_id=instance_id) + (f"#item-{item_id}" if item_id else ""))


@staff_page
def move_post(instance_id: str, item_id: int):
    actor, form = signed_in_user(), request.form
    kind = form.get("to_kind", "")
    to = {kind: form.get("to_code", "").strip()[:200]} if kind in RECEIVER_KINDS else {}
    return _act(instance_id, item_id, lambda: get_engine().property_register.move(
        actor, instance_id, item_id, to, place=form.get("storage_place", "").strip()[:200] or None,
        status=form.get("status") or None, note=form.get("note", "")[:2000]), _("The item was handed over."))


@staff_page
def acknowledge_post(instance_id: str, item_id: int):
    actor = signed_in_user()
    return _act(instance_id, item_id, lambda: get_engine().property_register.acknowledge(
        actor, instance_id, item_id, request.form.get("note", "")[:2000]), _("Receipt acknowledged."))


@staff_page
def return_post(instance_id: str, item_id: int):
    actor, form = signed_in_user(), request.form
    return _act(instance_id, item_id, lambda: get_engine().property_register.return_to_owner(
        actor, instance_id, item_id, form.get("owner_name", "")[:200], form.get("owner_acknowledged") == "yes",
        form.get("note", "")[:2000]), _("The item was returned to its owner."))


@staff_page
def evidence_pdf(instance_id: str):
    engine, actor = get_engine(), signed_in_user()
    register = engine.property_register
    items = register.items(actor, instance_id, **_via())  # 404 for a case they take no part in; logs the read
    instance = engine.session().get(ProcessInstance, instance_id)
    data = documents.evidence_list_pdf(instance, [register.view(i) for i in items], request_language())
    name = f"evidence-{instance.business_key or instance.id}.pdf".replace("/", "-")
    return _pdf(data, name)


@staff_page
def label_pdf(instance_id: str, item_id: int):
    engine, actor = get_engine(), signed_in_user()
    view = engine.property_register.item(actor, instance_id, item_id, **_via())
    return _pdf(documents.label_pdf(view.item, request_language()), f"label-{view.item.identifier}.pdf".replace("/", "-"))


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})


def register(bp: Blueprint) -> None:
    base = "/cases/<string:instance_id>/items"
    bp.add_url_rule(base, "register", register_page, methods=["GET"])
    bp.add_url_rule(base, "register_post", register_post, methods=["POST"])
    bp.add_url_rule(f"{base}/evidence.pdf", "evidence_pdf", evidence_pdf, methods=["GET"])
    bp.add_url_rule(f"{base}/<int:item_id>/label.pdf", "item_label", label_pdf, methods=["GET"])
    bp.add_url_rule(f"{base}/<int:item_id>/move", "item_move", move_post, methods=["POST"])
    bp.add_url_rule(f"{base}/<int:item_id>/acknowledge", "item_acknowledge", acknowledge_post, methods=["POST"])
    bp.add_url_rule(f"{base}/<int:item_id>/return", "item_return", return_post, methods=["POST"])
