"""Decisions for publication: staff upload and review through their cases; the public reads only
published, anonymised text (no sign-in)."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from engine.errors import InvalidInput, NotFound
from webapp.api.blueprint import Blueprint
from webapp.api.presenters import reader
from webapp.auth import current_user
from webapp.engine_ext import get_engine
from webapp.publication import search, spans
from webapp.publication.models import CourtDecision
from webapp.publication.service import CASE_TYPES, PublicationService

blp = Blueprint("decisions", __name__, url_prefix="/api/v1/decisions",
                description="Court decisions: anonymisation, review by a court employee, approval by a second one")
public_blp = Blueprint("public_decisions", __name__, url_prefix="/api/v1/public/decisions",
                       description="Published anonymised decisions: no sign-in")

UPLOAD_DOC = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object",
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "UTF-8 text, DOCX, or PDF with a text layer"},
        "court": {"type": "string", "description": "a COURT unit code, e.g. COURT:RIGA"},
        "case_number": {"type": "string"}, "case_type": {"type": "string", "enum": list(CASE_TYPES)},
        "decision_date": {"type": "string", "format": "date"},
    },
    "required": ["file", "court", "case_number", "case_type", "decision_date"],
}}}}}


class SpanSchema(Schema):
    id = fields.Integer()
    start = fields.Integer()
    end = fields.Integer()
    kind = fields.String()
    replacement = fields.String()
    recogniser = fields.String()
    score = fields.Float(allow_none=True)
    person = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "proposed | accepted | rejected | added"})


class DecisionSchema(Schema):
    id = fields.Integer()
    instance_id = fields.String()
    court = fields.String()
    case_number = fields.String()
    case_type = fields.String()
    decision_date = fields.Date()
    source_format = fields.String()
    stage = fields.String(metadata={"description": "review | approval | published | closed"})
    original_text = fields.String()
    spans = fields.List(fields.Nested(SpanSchema))
    preview = fields.String(metadata={"description": "the text as it would be published now"})
    ecli = fields.String(allow_none=True)


class DecideSchema(Schema):
    accept = fields.Boolean(required=True)


class AddSpanSchema(Schema):
    start = fields.Integer(required=True, validate=validate.Range(min=0))
    end = fields.Integer(required=True, validate=validate.Range(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(spans.KINDS))


class ApprovalSchema(Schema):
    approved = fields.Boolean(required=True)
    comment = fields.String(load_default="", validate=validate.Length(max=2000))


class PublicQuerySchema(Schema):
    # Short enough that a query of multi-byte letters, percent-encoded, stays within the server's
    # request-line limit (gunicorn: 4,094 bytes), so a long one is a 422 here, not a 414 there.
    q = fields.String(validate=validate.Length(max=100))
    court = fields.String(validate=validate.Length(max=40))
    case_type = fields.String(validate=validate.OneOf(CASE_TYPES))
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class PublishedSchema(Schema):
    ecli = fields.String()
    court = fields.String()
    case_number = fields.String()
    case_type = fields.String()
    decision_date = fields.Date()
    published_at = fields.DateTime()
    text = fields.String()


class PublicListSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    items = fields.List(fields.Nested(PublishedSchema))


def _service() -> PublicationService:
    return PublicationService(get_engine())


def present(service: PublicationService, row: CourtDecision) -> dict:
    return {
        "id": row.id, "instance_id": row.instance_id, "court": row.court, "case_number": row.case_number,
        "case_type": row.case_type, "decision_date": row.decision_date, "source_format": row.source_format,
        "stage": service.stage(row), "original_text": row.original_text, "spans": row.spans,
        "preview": spans.render(row.original_text, row.spans), "ecli": row.ecli,
    }


def published(row: CourtDecision) -> dict:
    return {"ecli": row.ecli, "court": row.court, "case_number": row.case_number, "case_type": row.case_type,
            "decision_date": row.decision_date, "published_at": row.published_at, "text": row.anonymised_text}


@blp.route("")
class DecisionsView(MethodView):
    @blp.doc(**UPLOAD_DOC)
    @blp.response(201, DecisionSchema, description="stored, proposals made, its case opened at the review")
    @blp.alt_response(422, description="a field or the file refused, with the reason")
    def post(self):
        """Upload a decision: the tool proposes, and a `decision_publication` case opens for the review."""
        actor, service = current_user(), _service()
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput(_("send the decision as multipart/form-data in the field 'file'"),
                               [{"field": "/file", "message": _("required")}])
        form = request.form
        metadata = service.check_metadata(form.get("court"), form.get("case_number"), form.get("case_type"),
                                          form.get("decision_date"))
        row = service.upload(actor, upload.filename or "decision", upload.read(), metadata)
        return present(service, row), 201


@blp.route("/<int:decision_id>")
class DecisionView(MethodView):
    @blp.response(200, DecisionSchema)
    @blp.alt_response(404, description="no such decision, or its case is not yours")
    def get(self, decision_id: int):
        """The original, the proposals and the preview, for those who take part in its case (the
        read is logged in the access log, like any read of a case)."""
        service, actor = _service(), current_user()
        row = service.get(actor, decision_id)
        get_engine().access.log_read(actor, row.instance_id, **reader())
        return present(service, row)


@blp.route("/<int:decision_id>/spans/<int:span_id>")
class SpanView(MethodView):
    @blp.arguments(DecideSchema)
    @blp.response(200, DecisionSchema)
    @blp.alt_response(409, description="the decision is not under review, or the review task is someone else's")
    def post(self, body: dict, decision_id: int, span_id: int):
        """Accept or reject one proposal (claims the review task)."""
        service = _service()
        return present(service, service.decide(current_user(), decision_id, span_id, body["accept"]))


@blp.route("/<int:decision_id>/spans")
class SpansView(MethodView):
    @blp.arguments(AddSpanSchema)
    @blp.response(201, DecisionSchema)
    @blp.alt_response(409, description="the marked text overlaps a proposal, or the decision is not under review")
    def post(self, body: dict, decision_id: int):
        """Mark what the tool missed; a person is replaced in every other mention too."""
        service = _service()
        row = service.add_span(current_user(), decision_id, body["start"], body["end"], body["kind"])
        return present(service, row), 201


@blp.route("/<int:decision_id>/review")
class ReviewDoneView(MethodView):
    @blp.response(200, DecisionSchema)
    @blp.alt_response(409, description="proposals are still undecided")
    def post(self, decision_id: int):
        """Finish the review: every proposal decided; the decision goes to a second person."""
        service = _service()
        return present(service, service.finish_review(current_user(), decision_id))


@blp.route("/<int:decision_id>/approval")
class ApprovalView(MethodView):
    @blp.arguments(ApprovalSchema)
    @blp.response(200, DecisionSchema)
    @blp.alt_response(403, description="the reviewer may not approve their own review")
    def post(self, body: dict, decision_id: int):
        """Approve (publish) or return the review, by someone other than the reviewer."""
        service = _service()
        return present(service, service.approve(current_user(), decision_id, body["approved"], body["comment"]))


@public_blp.route("")
class PublicListView(MethodView):
    @public_blp.arguments(PublicQuerySchema, location="query")
    @public_blp.response(200, PublicListSchema)
    def get(self, query: dict):
        """Published decisions: every word of `q` in the text, filtered by court, type and date."""
        total, rows = search.published(get_engine().session(), **query)
        return {"total": total, "page": query["page"], "per_page": search.PER_PAGE, "items": [published(r) for r in rows]}


@public_blp.route("/<string:ecli>")
class PublicDecisionView(MethodView):
    @public_blp.response(200, PublishedSchema)
    @public_blp.alt_response(404, description="no published decision has this ECLI")
    def get(self, ecli: str):
        """One published decision, anonymised."""
        row = search.by_ecli(get_engine().session(), ecli)
        if row is None:
            raise NotFound(_("no published decision has the ECLI %(ecli)s", ecli=ecli))
        return published(row)
