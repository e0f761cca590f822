"""Request and response shapes of the HTTP API (they generate the OpenAPI document)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_ID = 2**63 - 1
"""Largest value of a database integer column: any integer beyond it names nothing."""


class ErrorSchema(Schema):
    """The body of every error: one sentence, and the details (a list of {field, message} with
    JSON Pointers, the deployment's problems, or null)."""

    message = fields.String(required=True)
    errors = fields.Raw(required=True, allow_none=True, metadata={"description": "a list, an object or null"})


class TokenRequestSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(max=1024))


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class ProblemSchema(Schema):
    file = fields.String(allow_none=True)
    element = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    message = fields.String()


class DeployedProcessSchema(Schema):
    process_id = fields.String()
    version = fields.Integer()
    new = fields.Boolean()
    status = fields.String(metadata={"description": "approved, or proposed while it waits for a second person"})


class DeploymentSchema(Schema):
    id = fields.String()
    processes = fields.List(fields.Nested(DeployedProcessSchema))
    warnings = fields.List(fields.Nested(ProblemSchema))


class DeploymentQuerySchema(Schema):
    dry_run = fields.Boolean(load_default=False, metadata={
        "description": "1: check the bundle as a deployment would and store nothing"})


class DefinitionSchema(Schema):
    process_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    deployed_at = fields.DateTime(format="iso")
    start_form_schema = fields.Dict(allow_none=True, metadata={
        "description": "the JSON Schema start data must match, its labels in the request's language"})
    start_ui_schema = fields.Dict(allow_none=True, metadata={"description": "its UI schema, in the request's language"})
    may_start = fields.Boolean(metadata={"description": "whether the caller may start this process"})
    status = fields.String(metadata={"description": "approved, proposed (waiting for a second person) or rejected"})


class InstanceCreateSchema(Schema):
    process_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    version = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), allow_none=True)
    data = fields.Dict(keys=fields.String(), allow_none=True)
    business_key = fields.String(validate=validate.Length(max=200), allow_none=True)


class InstanceCreatedSchema(Schema):
    id = fields.String()
    status = fields.String()
    process_id = fields.String()
    version = fields.Integer()


class TaskSchema(Schema):
    # Only the single-task view carries `data` and `instructions` (lists stay cheap).
    data = fields.Dict(dump_only=True)
    instructions = fields.String(allow_none=True, dump_only=True)
    instructions_error = fields.String(allow_none=True, dump_only=True)
    id = fields.String()
    process_instance_id = fields.String()
    process_id = fields.String()
    process_version = fields.Integer()
    element_id = fields.String()
    name = fields.String()
    lane = fields.String(allow_none=True)
    role = fields.String(allow_none=True)
    candidates = fields.List(fields.String(), allow_none=True)
    state = fields.String()
    assignee = fields.String(allow_none=True)
    business_key = fields.String(allow_none=True)
    created_at = fields.DateTime(format="iso")
    due_at = fields.DateTime(format="iso", allow_none=True)
    completed_at = fields.DateTime(format="iso", allow_none=True)
    form_schema = fields.Dict(allow_none=True, metadata={
        "description": "the JSON Schema the task's data must match, its labels in the request's language"})
    ui_schema = fields.Dict(allow_none=True, metadata={"description": "its UI schema, in the request's language"})


class IncidentSchema(Schema):
    id = fields.String()
    task_id = fields.String(allow_none=True)
    message = fields.String()
    created_at = fields.DateTime(format="iso")


class InstanceSchema(Schema):
    id = fields.String()
    status = fields.String()
    process_id = fields.String()
    version = fields.Integer()
    business_key = fields.String(allow_none=True)
    data = fields.Dict()
    ready_tasks = fields.List(fields.Nested(TaskSchema))
    incidents = fields.List(fields.Nested(IncidentSchema))
    error_message = fields.String(allow_none=True)
    terminated_reason = fields.String(allow_none=True)
    created_at = fields.DateTime(format="iso")
    updated_at = fields.DateTime(format="iso")
    ended_at = fields.DateTime(format="iso", allow_none=True)


class HistoryEntrySchema(Schema):
    at = fields.DateTime(format="iso")
    actor = fields.String()
    event = fields.String()
    task_id = fields.String(allow_none=True)
    data = fields.Raw(allow_none=True)


class InstanceListQuerySchema(Schema):
    process_id = fields.String(validate=validate.Length(min=1, max=200))
    status = fields.String(validate=validate.OneOf(["running", "completed", "error", "terminated"]))
    business_key = fields.String(validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))


class InstanceSummarySchema(Schema):
    id = fields.String()
    process_id = fields.String()
    version = fields.Integer(attribute="process_version")
    status = fields.String()
    business_key = fields.String(allow_none=True)
    created_at = fields.DateTime(format="iso")
    updated_at = fields.DateTime(format="iso")
    ended_at = fields.DateTime(format="iso", allow_none=True)


class TaskQuerySchema(Schema):
    process_instance_id = fields.String()
    state = fields.String(validate=validate.OneOf(["ready", "completed", "cancelled"]))
    assignee = fields.String(validate=validate.OneOf(["me"]))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))


class TaskCompleteSchema(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


class TaskAssignSchema(Schema):
    username = fields.String(required=True)


class TerminateSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
