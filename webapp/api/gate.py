"""The checks every /api/ request passes, in the order the contract promises, before any view runs:

401 (no or bad token) → 415 (a body in the wrong content type) → 400 (a body that is not
standard, bounded JSON) → then the view: 404 → 403 → 422 → 409.

flask-smorest validates a body in the view's decorator, so without this gate a request with no
token and a bad body was answered 422 with field details, and a `text/plain` body was read as
empty (a PATCH "succeeded" with no change). Which body an operation takes is read from its
OpenAPI documentation, so new endpoints are covered without a list to keep up to date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from engine.errors import EngineError, InvalidInput, NotFound, PermissionDenied
from engine.models import User
from webapp.api.errors import HTTP_MESSAGES, error_body
from webapp.api.strict_json import RejectedJson, loads
from webapp.auth import current_user

log = logging.getLogger(__name__)

PUBLIC_ENDPOINTS = frozenset({"auth.TokenView"})
"""Endpoints under /api/ reachable without a token (besides the OpenAPI document and its UI)."""
PUBLIC_BLUEPRINTS = frozenset({"api-docs", "fees", "public_decisions"})
PUBLIC_READS = frozenset({"classifiers.ClassifiersView", "classifiers.ClassifierView"})
"""Endpoints whose GET may come without a token (the view decides: a public classifier needs none)."""
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_ID = 2**63 - 1
"""Largest id a database integer column holds; a path id beyond it names nothing (404)."""


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a route: a non-negative integer a database column can hold, else 404."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def body_kind(endpoint: str | None, method: str) -> str | None:
    """'json', 'multipart' or None: what body the documented operation takes."""
    view = current_app.view_functions.get(endpoint or "")
    handler = getattr(getattr(view, "view_class", None), method.lower(), None)
    doc = getattr(handler, "_apidoc", None) or {}
    for parameter in (doc.get("arguments") or {}).get("parameters", []):
        if parameter.get("in") == "json":
            return "json"
    content = ((doc.get("manual_doc") or {}).get("requestBody") or {}).get("content") or {}
    if "multipart/form-data" in content:
        return "multipart"
    if "application/json" in content:
        return "json"
    return None


def check_request():
    """A before-request hook: returns an error response, or None to let the view run."""
    if not request.path.startswith("/api/") or request.method == "OPTIONS" or request.routing_exception:
        return None
    if request.blueprint in PUBLIC_BLUEPRINTS:
        return None
    public_read = request.endpoint in PUBLIC_READS and request.method in ("GET", "HEAD")
    if request.endpoint not in PUBLIC_ENDPOINTS and not public_read:
        current_user()  # raises Unauthorized (401) before anything about the body is looked at
    if request.method not in BODY_METHODS:
        return None
    kind = body_kind(request.endpoint, request.method)
    if kind == "multipart":
        if request.mimetype != "multipart/form-data":
            return _refuse(415, _("send the files as multipart/form-data in the field 'files'"))
        return None
    if kind != "json":
        return None
    raw = request.get_data(cache=True)
    if not request.is_json:
        if raw or request.mimetype:
            return _refuse(415, str(HTTP_MESSAGES[415]))
        raise InvalidInput(_("this request needs a JSON body"), [{"field": "/", "message": _("required")}])
    try:
        loads(raw, current_app.config["LIETA_SETTINGS"].api_max_json_kb * 1024)
    except RejectedJson as err:
        return _refuse(400, err.message)
    return None


def register_lookup(app: Flask, parameter: str, lookup: Callable[[User, Any], object]) -> None:
    """`lookup(actor, value)` raises NotFound (or PermissionDenied) for a path parameter's object.

    flask-smorest judges a body in the view's decorator; looking the named object up first keeps
    the contract's order for requests with a body: a missing or invisible case is 404 whatever the
    body holds, and a case the caller may not see is 403 before the body is judged (422).
    """
    app.extensions.setdefault("lieta_path_lookups", {})[parameter] = lookup


def refusal_before_body() -> EngineError | None:
    """Asked only when the body was found invalid (the view never ran): the NotFound or
    PermissionDenied that the path's object would have given, which the contract puts before
    the 422. Valid requests pay nothing for it: the view's own checks come first there."""
    lookups = current_app.extensions.get("lieta_path_lookups", {})
    named = [(lookups[name], value) for name, value in (request.view_args or {}).items() if name in lookups]
    if not named:
        return None  # also what keeps public endpoints (no token) out of the sign-in check below
    actor = current_user()
    for lookup, value in named:
        try:
            lookup(actor, value)
        except (NotFound, PermissionDenied) as refusal:
            return refusal
    return None


def _refuse(status: int, message: str):
    # A client error is one line in the log, never a traceback (a hostile body must not fill it).
    log.warning("refused %s %s: %d %s", request.method, request.path, status, message)
    return error_body(message, None, status)


def init_app(app: Flask) -> None:
    """Call before any blueprint is registered (the converter applies to rules as they are added)."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request)
