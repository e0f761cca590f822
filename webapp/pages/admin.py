"""The admins' pages: open incidents with retry and skip, one by one or in bulk, and terminating
a case with a reason. Every action goes through the same engine services as the API (which
check the admin role again and audit the change); anyone else gets the 403 page.

Bulk actions run each incident in its own transaction (engine.incidents.bulk): one that was
resolved meanwhile, or fails again, is reported and the others still go ahead.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from engine.errors import N_, PermissionDenied
from engine.models import IncidentStatus, InstanceStatus, ProcessInstance
from engine.services.incidents import MAX_BULK
from webapp.api.errors import translated
from webapp.engine_ext import get_engine
from webapp.pages.signin import signed_in_user, staff_page

MAX_REASON = 500


def admin_only():
    """The signed-in admin, or the 403 page (the same rule as the API's)."""
    actor = signed_in_user()
    if not actor.is_admin or actor.is_service_account:
        raise PermissionDenied(N_("only an administrator may do this"))
    return actor


@staff_page
def incidents():
    admin_only()
    engine = get_engine()
    status = request.args.get("status") if request.args.get("status") in ("open", "resolved") else "open"
    rows = engine.incidents.list(status)[-500:] if status == "resolved" else engine.incidents.list(status)
    instances = {
        row.id: row for row in engine.session().query(ProcessInstance).filter(
            ProcessInstance.id.in_({incident.instance_id for incident in rows}))
    } if rows else {}
    return render_template("pages/admin_incidents.html", incidents=rows, instances=instances, status=status,
                           max_bulk=MAX_BULK)


def _say(outcomes, action: str) -> None:
    done = [outcome for outcome in outcomes if outcome.error is None]
    for outcome in outcomes:
        if outcome.error is not None:
            flash(_("Incident %(id)s: %(reason)s", id=outcome.incident_id[:8],
                    reason=translated(outcome.error.template, outcome.error.params)), "error")
    still_open = [outcome for outcome in done if outcome.incident.status == IncidentStatus.OPEN]
    for outcome in still_open:
        flash(_("Incident %(id)s failed again: %(message)s", id=outcome.incident_id[:8],
                message=outcome.incident.message), "error")
    resolved = len(done) - len(still_open)
    if resolved:
        flash(_("Incidents retried: %(count)d.", count=resolved) if action == "retry"
              else _("Incidents skipped: %(count)d.", count=resolved), "success")


@staff_page
def incident_action(incident_id: str, action: str):
    actor = admin_only()
    _say(get_engine().incidents.bulk(actor, action, [incident_id]), action)
    return redirect(url_for("pages.admin_incidents"))


@staff_page
def bulk_incidents():
    actor = admin_only()
    action = request.form.get("action", "")
    ids = request.form.getlist("incident_id")[:MAX_BULK]
    if action not in ("retry", "skip"):
        flash(_("Choose retry or skip."), "error")
    elif not ids:
        flash(_("Select the incidents first."), "error")
    else:
        _say(get_engine().incidents.bulk(actor, action, ids), action)
    return redirect(url_for("pages.admin_incidents"))


@staff_page
def terminate(instance_id: str):
    actor = admin_only()
    engine = get_engine()
    instance = engine.instances.get(actor, instance_id)  # 404 for an unknown id
    reason = request.form.get("reason", "").strip()[:MAX_REASON] if request.method == "POST" else ""
    if request.method == "POST":
        if not reason:
            return render_template("pages/admin_terminate.html", instance=instance, reason=reason,
                                   error=_("Give the reason: it is kept in the case's history.")), 422
        engine.instances.terminate(actor, instance_id, reason)
        flash(_("The case was terminated."), "success")
        return redirect(url_for("pages.case", instance_id=instance_id))
    ended = instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED)
    return render_template("pages/admin_terminate.html", instance=instance, reason=reason, ended=ended)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/admin/incidents", "admin_incidents", incidents)
    bp.add_url_rule("/admin/incidents/bulk", "admin_incidents_bulk", bulk_incidents, methods=["POST"])
    bp.add_url_rule("/admin/incidents/<string:incident_id>/retry", "admin_incident_retry", incident_action,
                    methods=["POST"], defaults={"action": "retry"})
    bp.add_url_rule("/admin/incidents/<string:incident_id>/skip", "admin_incident_skip", incident_action,
                    methods=["POST"], defaults={"action": "skip"})
    bp.add_url_rule("/admin/cases/<string:instance_id>/terminate", "admin_terminate", terminate,
                    methods=["GET", "POST"])
