"""The inbox (the home page after sign-in): my tasks and the unclaimed ones I may take, with
filters, sorting, paging, claim / unclaim and bulk claim."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _

from engine.errors import EngineError
from webapp.api.errors import translated
from webapp.engine_ext import get_engine
from webapp.i18n import request_language
from webapp.pages.formatting import ZONE
from webapp.pages.inbox_query import SHOWS, SORTS, InboxFilter, inbox_page, process_names
from webapp.pages.signin import safe_next, signed_in_user, staff_page

MAX_BULK = 100


def _wanted() -> InboxFilter:
    args = request.args
    due_before = None
    try:
        if args.get("due_before"):
            day = datetime.strptime(args["due_before"], "%Y-%m-%d").date()
            due_before = datetime.combine(day, time(), ZONE).astimezone(UTC)  # due before that day begins
    except ValueError:
        flash(_("The date “due before” was not understood; use the date picker or YYYY-MM-DD."), "error")
    try:
        page = int(args.get("page", "1"))
    except ValueError:
        page = 1
    return InboxFilter(
        show=args.get("show") if args.get("show") in SHOWS else "all",
        process_id=args.get("process") or None,
        business_key=(args.get("business_key") or "").strip()[:200] or None,
        due_before=due_before,
        sort=args.get("sort") if args.get("sort") in SORTS else "due",
        page=page,
    )


@staff_page
def inbox():
    engine, actor = get_engine(), signed_in_user()
    wanted = _wanted()
    result = inbox_page(engine.session(), actor, wanted, engine.access.own_tasks(actor))
    return render_template(
        "pages/inbox.html", result=result, wanted=wanted, args=request.args,
        processes=process_names(engine.session(), request_language()), now=engine.clock.now(),
    )


def _back() -> str:
    return safe_next(request.form.get("next"))


@staff_page
def claim(task_id: str):
    get_engine().tasks.claim(signed_in_user(), task_id)
    flash(_("The task is yours now."), "success")
    return redirect(_back())


@staff_page
def unclaim(task_id: str):
    get_engine().tasks.unclaim(signed_in_user(), task_id)
    flash(_("The task is back among the unclaimed ones."), "success")
    return redirect(_back())


@staff_page
def bulk_claim():
    engine, actor = get_engine(), signed_in_user()
    ids = request.form.getlist("task_id")[:MAX_BULK]
    if not ids:
        flash(_("Select the tasks to claim first."), "error")
        return redirect(_back())
    claimed = 0
    for task_id in ids:
        try:
            engine.tasks.claim(actor, task_id)
            claimed += 1
        except EngineError as err:  # one taken meanwhile must not stop the others
            flash(_("Not claimed: %(reason)s", reason=translated(err.template, err.params)), "error")
    if claimed:
        flash(_("Claimed %(count)d tasks.", count=claimed), "success")
    return redirect(_back())


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", "inbox", inbox)
    bp.add_url_rule("/tasks/<string:task_id>/claim", "claim", claim, methods=["POST"])
    bp.add_url_rule("/tasks/<string:task_id>/unclaim", "unclaim", unclaim, methods=["POST"])
    bp.add_url_rule("/inbox/claim", "bulk_claim", bulk_claim, methods=["POST"])
