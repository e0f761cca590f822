"""The documents API: a case's documents (list, download) for those who read the case, and a
document made on request by staff whose role issues it.

Who may do what (docs/documents.md):
- list and download: anyone who reads the case (need-to-know); others get 404, as for the case.
  A document is part of the case: whoever takes part in the case reads the decisions in it.
- make on request: an admin or a supervisor of the process, or a participant holding one of the
  roles the template's manifest names as its issuers (a compensation officer makes the
  compensation decision, an investigator the start decision); else 403.
Every download is written to the access log (who, which case, which document).
"""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from engine import audit
from engine.errors import N_, InvalidInput, NotFound, PermissionDenied, field_error
from engine.services.access import Standing
from engine.services.transaction import atomic
from webapp.api.blueprint import Blueprint
from webapp.api.presenters import reader
from webapp.auth import current_user
from webapp.documents import service
from webapp.documents.models import CaseDocument
from webapp.engine_ext import get_engine

blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="Documents generated from case data")
BINARY = {"schema": {"type": "string", "format": "binary"}}


class DocumentSchema(Schema):
    id = fields.String()
    instance_id = fields.String()
    title = fields.String()
    kind = fields.String()
    format = fields.String()
    media_type = fields.String()
    file_name = fields.String()
    sha256 = fields.String()
    sealed = fields.Boolean()
    template = fields.String(attribute="template_name")
    template_version = fields.String()
    created_at = fields.DateTime(format="iso")
    created_by = fields.String()


class RenderSchema(Schema):
    template = fields.String(required=True, validate=validate.Length(min=1, max=64))
    format = fields.String(load_default="pdf", validate=validate.OneOf(sorted(service.MEDIA_TYPES)))


class TemplateSchema(Schema):
    name = fields.String()
    version = fields.String()
    kind = fields.String()
    title_lv = fields.String()
    title_en = fields.String()
    formats = fields.List(fields.String())
    issuers = fields.List(fields.String())


def readable_document(document_id: str) -> tuple[CaseDocument, object]:
    """The document and the caller, if the caller reads its case; NotFound otherwise (need-to-know)."""
    engine, actor = get_engine(), current_user()
    document = engine.session().get(CaseDocument, document_id)
    if document is None:
        raise NotFound(N_("document %(document)s does not exist"), params={"document": document_id})
    try:
        engine.instances.get(actor, document.instance_id)
    except NotFound as err:
        raise NotFound(N_("document %(document)s does not exist"), params={"document": document_id}) from err
    return document, actor


@blp.route("/process-instances/<string:instance_id>/documents")
class CaseDocumentsView(MethodView):
    @blp.response(200, DocumentSchema(many=True))
    def get(self, instance_id):
        """The documents attached to a case, oldest first."""
        engine, actor = get_engine(), current_user()
        engine.instances.get(actor, instance_id)
        engine.access.log_read(actor, instance_id, **reader())
        return service.documents_of(engine.session(), instance_id)

    @blp.arguments(RenderSchema)
    @blp.response(201, DocumentSchema)
    @blp.alt_response(422, description="the template cannot be used, or the case's data does not fill it")
    def post(self, body, instance_id):
        """Make a document from the case's data now (staff whose role issues the template)."""
        engine, actor = get_engine(), current_user()
        instance, standing = engine.access.readable(actor, instance_id)
        try:
            template = service.load_template(body["template"])
        except NotFound as err:  # the body names it, not the path: invalid input, not a missing page
            raise InvalidInput(N_("the document could not be made"), [field_error(
                "/template", N_("there is no document template named %(name)s"), name=body["template"])]) from err
        if standing < Standing.SUPERVISOR and not (set(template.issuers) & set(actor.roles)):
            raise PermissionDenied(N_("your roles do not issue the document %(template)s"),
                                   params={"template": template.name})
        session = engine.session()
        with atomic(session, N_("the document could not be stored"), instance_id=instance_id):
            row = service.generate(
                session, instance_id=instance_id, case_reference=(instance.data or {}).get("case_number")
                or instance.business_key, data=dict(instance.data or {}), template_name=template.name,
                fmt=body["format"], actor=actor.username, issued_by=actor.full_name or actor.username,
                now=engine.clock.now(),
            )
        return row


@blp.route("/documents/<string:document_id>")
class DocumentView(MethodView):
    @blp.response(200, DocumentSchema)
    def get(self, document_id):
        """One document's description (who made it, from which template, its SHA-256)."""
        return readable_document(document_id)[0]


@blp.route("/documents/<string:document_id>/content")
class DocumentContentView(MethodView):
    @blp.doc(responses={"200": {"description": "the document's bytes", "content": {
        "application/pdf": BINARY, service.MEDIA_TYPES["docx"]: BINARY}}})
    def get(self, document_id):
        """Download the document (PDF sealed, or DOCX); the download is written to the access log."""
        document, actor = readable_document(document_id)
        engine = get_engine()
        session = engine.session()
        content = service.content_of(session, document)
        via = reader()
        with atomic(session, N_("the download could not be logged")):
            audit.record(session, engine.clock.now(), actor.username, "document_downloaded",
                         instance_id=document.instance_id, kind="access",
                         data={"document_id": document.id, "sha256": document.sha256, **via})
        return Response(content, mimetype=document.media_type, headers={
            "Content-Disposition": f'attachment; filename="{document.file_name}"',
            "X-Content-SHA256": document.sha256, "Cache-Control": "private, no-store",
        })


@blp.route("/document-templates")
class TemplatesView(MethodView):
    @blp.response(200, TemplateSchema(many=True))
    def get(self):
        """The document templates in use, with their versions and the roles that issue them."""
        current_user()
        folder = service.templates_folder()
        return [service.load_template(name) for name in service.catalogue.names(folder)]
