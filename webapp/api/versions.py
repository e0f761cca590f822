"""Process versions under control: the four-eyes review of proposed versions (approve, reject,
the diff against the current version) and moving running cases to another version."""

from __future__ import annotations

from flask import Flask, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from engine.errors import N_, NotFound
from engine.services.migrations import MAX_INSTANCES
from webapp.api.blueprint import Blueprint
from webapp.api.errors import localised
from webapp.auth import current_user
from webapp.engine_ext import get_engine

blp = Blueprint("versions", __name__, url_prefix="/api/v1/process-definitions",
                description="Reviewing process versions and moving running cases between them")

BASE = "/<string:process_id>"


class ProcessVersionSchema(Schema):
    process_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    deployed_at = fields.DateTime(format="iso")
    status = fields.String(metadata={"description": "proposed, approved or rejected"})
    current = fields.Boolean(metadata={"description": "the version new cases start on"})
    proposed_by = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(format="iso", allow_none=True)
    comment = fields.String(allow_none=True)


class VersionDecisionSchema(Schema):
    comment = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class VersionDiffQuerySchema(Schema):
    against = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                             metadata={"description": "the version to compare with (default: the current approved one)"})


class DiffElementSchema(Schema):
    process = fields.String(metadata={"description": "the process or subprocess holding the element"})
    id = fields.String()
    name = fields.String()
    kind = fields.String()
    attributes = fields.List(fields.String(), metadata={"description": "what changed (changed elements only)"})
    was = fields.String(metadata={"description": "the element's id in the older version, when it was renamed"})


class DiffElementChangesSchema(Schema):
    added = fields.List(fields.Nested(DiffElementSchema))
    removed = fields.List(fields.Nested(DiffElementSchema))
    changed = fields.List(fields.Nested(DiffElementSchema))


class DiffFileChangesSchema(Schema):
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    changed = fields.List(fields.String())


class VersionDiffSchema(Schema):
    process_id = fields.String()
    version = fields.Integer()
    status = fields.String()
    against = fields.Integer(allow_none=True, metadata={"description": "null: no approved version yet"})
    elements = fields.Nested(DiffElementChangesSchema)
    forms = fields.Nested(DiffFileChangesSchema)
    decisions = fields.Nested(DiffFileChangesSchema)


class MigrationRequestSchema(Schema):
    from_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    to_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    dry_run = fields.Boolean(load_default=False)
    instance_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)),
                               validate=validate.Length(max=MAX_INSTANCES))


class MigrationCaseSchema(Schema):
    instance_id = fields.String()
    movable = fields.Boolean(metadata={"description": "dry run: whether the case can move"})
    status = fields.String(metadata={"description": "job: pending, moved or refused"})
    reasons = fields.List(fields.Dict(), metadata={"description": "why it cannot move: {field, message, form?}"})
    changes = fields.Dict(allow_none=True, metadata={"description": "the elements it waits at and what changed there"})


class MigrationJobSchema(Schema):
    id = fields.String()
    process_id = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    status = fields.String(metadata={"description": "queued, running or done"})
    requested_by = fields.String()
    created_at = fields.DateTime(format="iso")
    started_at = fields.DateTime(format="iso", allow_none=True)
    finished_at = fields.DateTime(format="iso", allow_none=True)
    total = fields.Integer()
    pending = fields.Integer()
    moved = fields.Integer()
    refused = fields.Integer()
    results = fields.List(fields.Nested(MigrationCaseSchema))


class MigrationAnswerSchema(MigrationJobSchema):
    """A dry run (200: `dry_run`, `movable`, `not_movable` and per case `movable`) or the queued job (202)."""

    dry_run = fields.Boolean()
    movable = fields.Integer()
    not_movable = fields.Integer()


def _shown(results: list[dict]) -> list[dict]:
    return [r | {"reasons": localised(r.get("reasons") or [])} for r in results]


@blp.route(f"{BASE}/versions")
class VersionsView(MethodView):
    @blp.response(200, ProcessVersionSchema(many=True))
    def get(self, process_id):
        """Every version of the process with its review (process analyst or admin)."""
        return get_engine().approvals.versions(current_user(), process_id)


def _decided(process_id: str, version: int) -> dict:
    listed = get_engine().approvals.versions(current_user(), process_id)
    return next(v for v in listed if v["version"] == version)


@blp.route(f"{BASE}/versions/<int:version>/approve")
class ApproveView(MethodView):
    @blp.arguments(VersionDecisionSchema)
    @blp.response(200, ProcessVersionSchema)
    @blp.alt_response(409, description="the version is not proposed, or an approved version is newer")
    def post(self, body, process_id, version):
        """Approve a proposed version: new cases start on it (another analyst than its uploader)."""
        get_engine().approvals.approve(current_user(), process_id, version, body["comment"])
        return _decided(process_id, version)


@blp.route(f"{BASE}/versions/<int:version>/reject")
class RejectView(MethodView):
    @blp.arguments(VersionDecisionSchema)
    @blp.response(200, ProcessVersionSchema)
    @blp.alt_response(409, description="the version is not proposed")
    def post(self, body, process_id, version):
        """Reject a proposed version: no case ever starts on it (another analyst than its uploader)."""
        get_engine().approvals.reject(current_user(), process_id, version, body["comment"])
        return _decided(process_id, version)


@blp.route(f"{BASE}/versions/<int:version>/diff")
class DiffView(MethodView):
    @blp.arguments(VersionDiffQuerySchema, location="query")
    @blp.response(200, VersionDiffSchema)
    def get(self, query, process_id, version):
        """Elements added, removed and changed, and forms and decision tables changed, against the
        current approved version (or `against`)."""
        return get_engine().approvals.diff(current_user(), process_id, version, query.get("against"))


@blp.route(f"{BASE}/migrations")
class MigrationsView(MethodView):
    @blp.arguments(MigrationRequestSchema)
    @blp.response(202, MigrationAnswerSchema, description="the job was queued; follow it at …/migrations/{job_id}")
    @blp.alt_response(200, schema=MigrationAnswerSchema, description="dry run: per case, whether it can move and what would change")
    @blp.alt_response(409, description="the target version is not approved")
    def post(self, body, process_id):
        """Move the running cases on `from_version` (or the named ones) to `to_version` (process analyst or admin)."""
        engine, user = get_engine(), current_user()
        args = (user, process_id, body["from_version"], body["to_version"], body.get("instance_ids"))
        if body["dry_run"]:
            result = engine.migrations.dry_run(*args)
            return result | {"results": _shown(result["results"])}, 200
        job = engine.migrations.request(*args)
        return engine.migrations.job(user, process_id, job.id), 202


@blp.route(f"{BASE}/migrations/<string:job_id>")
class MigrationView(MethodView):
    @blp.response(200, MigrationJobSchema)
    def get(self, process_id, job_id):
        """A migration's progress and the result of each case."""
        result = get_engine().migrations.job(current_user(), process_id, job_id)
        return result | {"results": _shown(result["results"])}


def _deployed_and_reviewer(actor, process_id: str) -> None:
    """The contract's order for a bad body: an undeployed process is 404, a non-analyst 403."""
    if request.blueprint != blp.name:
        return
    engine = get_engine()
    if engine.approvals.latest_version_number(process_id) is None:
        raise NotFound(N_("process %(process)r is not deployed"), params={"process": process_id})
    engine.approvals.check_reviewer(actor)


def init_app(app: Flask) -> None:
    from webapp.api.gate import register_lookup

    register_lookup(app, "process_id", _deployed_and_reviewer)
