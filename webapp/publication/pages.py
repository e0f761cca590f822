"""The decision pages: the public list and text of published decisions (no sign-in), and, for
court staff, the upload and the review page (the original with every proposal marked; accept,
reject, mark what the tool missed; finish; approve or return by a second person).

Everything goes through `PublicationService`, so the pages keep the API's rules. The pages work
without JavaScript: a span is marked by typing its text; `decisions.js` only fills that field
from a selection in the decision.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import NotFound as HttpNotFound

from engine.errors import N_, Conflict, InvalidInput, PermissionDenied
from webapp.engine_ext import get_engine
from webapp.pages.security import protect
from webapp.pages.signin import signed_in_user, staff_page
from webapp.publication import search, spans
from webapp.publication.service import CASE_TYPES, PublicationService

STATUS_TITLES = {"proposed": N_("proposed"), "accepted": N_("accepted"), "rejected": N_("rejected"),
                 "added": N_("added by hand")}


def _service() -> PublicationService:
    return PublicationService(get_engine())


def segments(text: str, marked: list[dict]) -> list[dict]:
    """The original text cut into plain pieces and marked spans, in order, for the template."""
    pieces, position = [], 0
    for span in sorted(marked, key=lambda s: (s["start"], s["id"])):
        if span["start"] < position:
            continue
        pieces.append({"text": text[position:span["start"]]})
        pieces.append({"text": text[span["start"]:span["end"]], "span": span})
        position = span["end"]
    pieces.append({"text": text[position:]})
    return pieces


def public_list():
    args = request.args
    from webapp.publication.api import PublicQuerySchema

    try:
        query = PublicQuerySchema().load({k: v for k, v in args.items() if v})
    except ValidationError as err:
        fields_ = ", ".join(sorted(err.messages)) if isinstance(err.messages, dict) else ""
        flash(_("The search was not understood (%(fields)s): it shows every decision instead.", fields=fields_), "error")
        query = {"page": 1}
    total, rows = search.published(get_engine().session(), **query)
    return render_template("pages/decisions.html", rows=rows, total=total, args=args, case_types=CASE_TYPES,
                           courts=search.courts(get_engine().session()), page=query.get("page", 1),
                           per_page=search.PER_PAGE, signed_in=signed_in_user() is not None)


def public_decision(ecli: str):
    row = search.by_ecli(get_engine().session(), ecli)
    if row is None:
        raise HttpNotFound()
    return render_template("pages/decision_public.html", row=row)


@staff_page
def upload():
    service = _service()
    if request.method == "POST":
        protect()
        form = request.form
        try:
            file = request.files.get("file")
            if file is None or not file.filename:
                raise InvalidInput(N_("choose the decision's file"), [{"field": "/file", "message": _("required")}])
            metadata = service.check_metadata(form.get("court"), form.get("case_number"), form.get("case_type"),
                                              form.get("decision_date"))
            row = service.upload(signed_in_user(), file.filename, file.read(), metadata)
        except InvalidInput as err:
            return render_template("pages/decision_upload.html", form=form, case_types=CASE_TYPES,
                                   courts=_courts(), errors=_field_errors(err)), 422
        flash(_("The decision was uploaded and its proposals are ready for review."), "success")
        return redirect(url_for("pages.decision_review", decision_id=row.id))
    return render_template("pages/decision_upload.html", form={}, case_types=CASE_TYPES, courts=_courts(), errors={})


@staff_page
def review(decision_id: int):
    service, actor = _service(), signed_in_user()
    row = service.get(actor, decision_id)
    get_engine().access.log_read(actor, row.instance_id, via=f"GET {request.url_rule.rule}", client=request.remote_addr)
    stage = service.stage(row)
    return render_template(
        "pages/decision_review.html", row=row, stage=stage, pieces=segments(row.original_text, row.spans),
        spans=sorted(row.spans, key=lambda s: s["start"]), preview=spans.render(row.original_text, row.spans),
        undecided=len(spans.undecided(row.spans)), kinds=spans.KINDS, status_titles=STATUS_TITLES,
    )


@staff_page
def review_action(decision_id: int):
    protect()
    service, actor, form = _service(), signed_in_user(), request.form
    action = form.get("action")
    try:
        if action in ("accept", "reject"):
            service.decide(actor, decision_id, _int(form.get("span")), action == "accept")
        elif action == "add":
            start, end = _locate(service.get(actor, decision_id), form.get("text", ""))
            service.add_span(actor, decision_id, start, end, form.get("kind", ""))
        elif action == "finish":
            service.finish_review(actor, decision_id)
            flash(_("The review is finished: a second person approves it now."), "success")
        elif action in ("approve", "return"):
            service.approve(actor, decision_id, action == "approve", form.get("comment", "")[:2000])
            flash(_("Published.") if action == "approve" else _("Returned for another review."), "success")
        else:
            raise InvalidInput(N_("unknown action"))
    except (InvalidInput, Conflict, PermissionDenied) as err:
        from webapp.api.errors import translated

        flash(translated(err.template, err.params), "error")
    return redirect(url_for("pages.decision_review", decision_id=decision_id))


def _locate(row, wanted: str) -> tuple[int, int]:
    """The first mention of `wanted` that no live span covers yet."""
    wanted = wanted.strip()
    if not wanted:
        raise InvalidInput(N_("type or select the text to mark"))
    live = [s for s in row.spans if s["status"] != "rejected"]
    start = row.original_text.find(wanted)
    while start >= 0:
        end = start + len(wanted)
        if not any(s["start"] < end and start < s["end"] for s in live):
            return start, end
        start = row.original_text.find(wanted, start + 1)
    raise InvalidInput(N_("the text %(text)r does not occur in the decision outside the marked spans"),
                       params={"text": wanted[:80]})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(N_("unknown proposal")) from None


def _courts() -> list:
    from sqlalchemy import select

    from engine.models import Unit

    return list(get_engine().session().scalars(
        select(Unit).where(Unit.institution_code == "COURT", Unit.active.is_(True)).order_by(Unit.code)))


def _field_errors(err: InvalidInput) -> dict[str, str]:
    from webapp.api.errors import translated

    out = {}
    for item in err.errors or []:
        field = item.get("field", "/").lstrip("/") or "file"
        out[field] = translated(item.get("template") or item["message"], item.get("params"))
    if not out:
        out["file"] = translated(err.template, err.params)
    return out


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/decisions", "decisions", public_list, methods=["GET"])
    bp.add_url_rule("/decisions/ecli/<string:ecli>", "decision_public", public_decision, methods=["GET"])
    bp.add_url_rule("/decisions/new", "decision_upload", upload, methods=["GET", "POST"])
    bp.add_url_rule("/decisions/<int:decision_id>/review", "decision_review", review, methods=["GET"])
    bp.add_url_rule("/decisions/<int:decision_id>/review", "decision_review_post", review_action, methods=["POST"])
