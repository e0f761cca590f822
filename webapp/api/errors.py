"""Every error under /api/ has the body {"message": str, "errors": list | object | null}.

flask-smorest's default shape ({"code", "status", ...}) is replaced here, and engine errors are
mapped to HTTP statuses in one table, so no view decides a status code on its own.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from engine.errors import (
    Conflict,
    DeploymentInvalid,
    EngineError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Phrase,
)
from webapp.api.schemas import ErrorSchema
from webapp.auth import TooManyAttempts, Unauthorized
from webapp.i18n import request_language

log = logging.getLogger(__name__)

STATUS_BY_ERROR = (
    (Unauthorized, 401),
    (TooManyAttempts, 429),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (DeploymentInvalid, 422),
    (InvalidInput, 422),
)

HTTP_MESSAGES = {
    400: _l("the request could not be understood (check that the body is valid JSON)"),
    404: _l("there is nothing at this address"),
    405: _l("this address does not accept that method"),
    413: _l("the upload is larger than the configured limit"),
    415: _l("send the body as application/json"),
    500: _l("an internal error occurred; it has been logged"),
}


def error_body(message: str, errors=None, status: int = 400):
    response = jsonify({"message": message, "errors": errors})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="lieta"'
    return response


def _webargs_errors(messages) -> list[dict]:
    """webargs nests messages by location then field; flatten to JSON Pointers."""
    flat: list[dict] = []

    def walk(prefix: str, node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}/{key}", value)
        elif isinstance(node, list) and all(isinstance(item, str) for item in node):
            for item in node:
                flat.append({"field": prefix or "/", "message": item})
        else:
            flat.append({"field": prefix or "/", "message": str(node)})

    if isinstance(messages, dict):
        for _location, fields in messages.items():
            walk("", fields)
    return flat


class LietaApi(Api):
    ERROR_SCHEMA = ErrorSchema  # documents the body every error really has
    # No catch-all "default" response: each status an operation answers is listed (webapp.api.contract),
    # so a status nobody documented is a contract failure schemathesis reports.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        if "messages" in data:
            from webapp.api.gate import refusal_before_body

            refusal = refusal_before_body()  # see webapp.api.gate: 404 and 403 come before 422
            if refusal is not None:
                return error_body(translated(refusal.template, refusal.params), None, 404 if isinstance(refusal, NotFound) else 403)
            errors = _webargs_errors(data["messages"])
            summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3])
            return error_body(_("the request body is invalid: %(summary)s", summary=summary), errors, status)
        message = data.get("message") or HTTP_MESSAGES.get(status) or error.description or error.name
        return error_body(str(message), None, status)


def translated(template: str, params: dict | None) -> str:
    """An engine message in the request's language (the English template when the catalogue has
    no translation yet)."""
    if not params:
        return _(template)
    return _(template, **{
        name: translated(value.template, value.params) if isinstance(value, Phrase) else value
        for name, value in params.items()
    })


def localised(errors):
    """Field errors with their messages in the request's language; the id and parameters stay
    inside the server. An error worded by a deployed form itself carries its `texts` by language
    (a form's `x-pattern-message` and `x-pattern-message-en`)."""
    if not isinstance(errors, list):
        return errors
    shown = []
    for item in errors:
        if isinstance(item, dict) and isinstance(item.get("texts"), dict):
            text = item["texts"].get(request_language()) or item.get("message")
            item = {k: v for k, v in item.items() if k != "texts"} | {"message": text}
        elif isinstance(item, dict) and "template" in item:
            item = {k: v for k, v in item.items() if k not in ("template", "params")} | {
                "message": translated(item["template"], item.get("params")),
            }
        shown.append(item)
    return shown


def init_app(app: Flask) -> None:
    @app.errorhandler(EngineError)
    def engine_error(err: EngineError):
        status = next((code for cls, code in STATUS_BY_ERROR if isinstance(err, cls)), 500)
        errors = None
        if isinstance(err, DeploymentInvalid):
            errors = [
                p.as_dict() | ({"message": translated(p.template, p.params)} if p.template else {}) for p in err.problems
            ]
        elif isinstance(err, InvalidInput):
            errors = err.errors
        if status == 500:
            log.error("engine error on %s %s: %s", request.method, request.path, err)
        if status == 500:
            return error_body(str(HTTP_MESSAGES[500]), None, 500)
        response = error_body(translated(err.template, err.params), localised(errors), status)
        if isinstance(err, TooManyAttempts):
            response.headers["Retry-After"] = str(err.retry_after)
        return response

    @app.errorhandler(500)
    def server_error(err):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_body(str(HTTP_MESSAGES[500]), None, 500)
