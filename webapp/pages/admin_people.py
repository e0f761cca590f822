"""The admins' pages for people: users and their roles and placement, roles, lifting a throttled
sign-in, and the access log. The same engine services as the "Trust I" API (webapp/api/users.py,
roles.py, webapp/access/api.py), so the same checks, 422s and audit rows apply."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import InvalidInput
from engine.services.audit_log import KINDS
from webapp.api.errors import localised, translated
from webapp.engine_ext import get_engine
from webapp.pages.admin import admin_only
from webapp.pages.signin import staff_page

AUDIT_PAGE = 50


def _problem(err: InvalidInput) -> str:
    details = "; ".join(item.get("message", "") for item in localised(err.errors) or [] if isinstance(item, dict))
    summary = translated(err.template, err.params)
    return f"{summary}: {details}" if details else summary


def _people_page(status: int = 200, error: str | None = None, form: dict | None = None):
    engine = get_engine()
    body = render_template(
        "pages/admin_users.html", users=engine.users.list(), roles=engine.directory.roles(),
        institutions=engine.directory.institutions(), locks=engine.sign_in.locks(), error=error, form=form or {},
    )
    return body, status


@staff_page
def users():
    admin_only()
    return _people_page()


@staff_page
def create_user():
    actor = admin_only()
    form = request.form
    unit = form.get("unit") or None
    try:
        get_engine().users.create(
            form.get("username", "")[:80], form.get("password", "")[:1024] or None, form.getlist("roles"),
            full_name=form.get("full_name", "")[:200], institution=unit.split(":")[0] if unit else None,
            unit=unit, actor=actor.username,
        )
    except InvalidInput as err:
        return _people_page(422, _problem(err), form.to_dict())
    flash(_("User %(user)s created.", user=form.get("username")), "success")
    return redirect(url_for("pages.admin_users"))


@staff_page
def user(username: str):
    admin_only()
    engine = get_engine()
    person = engine.users.by_username(username)  # 404 page for an unknown name
    return render_template("pages/admin_user.html", person=person, roles=engine.directory.roles(),
                           institutions=engine.directory.institutions(), error=None)


@staff_page
def update_user(username: str):
    actor = admin_only()
    engine = get_engine()
    person = engine.users.by_username(username)
    form = request.form
    unit = form.get("unit") or None
    changes = {
        "full_name": form.get("full_name", "")[:200], "roles": form.getlist("roles"),
        "institution": unit.split(":")[0] if unit else None, "unit": unit, "active": form.get("active") == "1",
    }
    try:
        engine.users.update(username, changes, actor=actor.username)
    except InvalidInput as err:
        return render_template("pages/admin_user.html", person=person, roles=engine.directory.roles(),
                               institutions=engine.directory.institutions(), error=_problem(err)), 422
    flash(_("User %(user)s saved.", user=username), "success")
    return redirect(url_for("pages.admin_user", username=username))


@staff_page
def unlock(username: str):
    actor = admin_only()
    removed = get_engine().sign_in.unlock(username[:200], actor=actor.username)
    flash(_("Sign-in of %(user)s unlocked (%(count)d counters cleared).", user=username, count=removed), "success")
    return redirect(url_for("pages.admin_users"))


@staff_page
def roles():
    admin_only()
    engine = get_engine()
    return render_template("pages/admin_roles.html", roles=engine.directory.roles(),
                           institutions=engine.directory.institutions(), error=None, form={})


@staff_page
def create_role():
    actor = admin_only()
    engine = get_engine()
    form = request.form
    try:
        engine.directory.create_role(form.get("code", "")[:60], form.get("name_lv", "")[:200],
                                     form.get("name_en", "")[:200], form.get("institution") or None,
                                     actor=actor.username)
    except InvalidInput as err:
        return render_template("pages/admin_roles.html", roles=engine.directory.roles(),
                               institutions=engine.directory.institutions(), error=_problem(err),
                               form=form.to_dict()), 422
    flash(_("Role %(role)s created.", role=form.get("code")), "success")
    return redirect(url_for("pages.admin_roles"))


@staff_page
def audit():
    actor = admin_only()
    args = request.args
    kind = args.get("kind") if args.get("kind") in KINDS else "access"
    try:
        page = max(1, int(args.get("page", "1")))
    except ValueError:
        page = 1
    wanted = {name: (args.get(name) or "").strip()[:80] or None for name in ("user", "instance_id", "event")}
    rows = get_engine().audit_log.search(actor, kind=kind, limit=AUDIT_PAGE + 1, offset=(page - 1) * AUDIT_PAGE,
                                         **wanted)
    return render_template("pages/admin_audit.html", rows=rows[:AUDIT_PAGE], kind=kind, wanted=wanted, page=page,
                           has_next=len(rows) > AUDIT_PAGE,
                           shown={name: value for name, value in wanted.items() if value})


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/admin/users", "admin_users", users)
    bp.add_url_rule("/admin/users", "admin_user_create", create_user, methods=["POST"])
    bp.add_url_rule("/admin/users/<string:username>", "admin_user", user)
    bp.add_url_rule("/admin/users/<string:username>", "admin_user_update", update_user, methods=["POST"])
    bp.add_url_rule("/admin/sign-in-locks/<string:username>/unlock", "admin_unlock", unlock, methods=["POST"])
    bp.add_url_rule("/admin/roles", "admin_roles", roles)
    bp.add_url_rule("/admin/roles", "admin_role_create", create_role, methods=["POST"])
    bp.add_url_rule("/admin/audit", "admin_audit", audit)
