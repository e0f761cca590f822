"""The OpenAPI document says what the API really answers.

Every error has the body {"message", "errors"} (webapp.api.errors); flask-smorest documents its
own shape and leaves `alt_response` errors without a body. This plugin completes each operation
as it is added to the document: every documented error status gets the error body, and the
statuses the gate (webapp.api.gate) and the engine answer for every request are listed: 401 and
403 unless the operation is public, 400, 413 and 415 when it takes a body, 404 when its path
names something, 409 when it changes something.
"""

from __future__ import annotations

import json
from typing import Any

from apispec import BasePlugin
from flask.json.provider import DefaultJSONProvider

from webapp.api.strict_json import sanitise

ERROR_REF = {"$ref": "#/components/schemas/Error"}
PUBLIC_PATHS = frozenset({"/api/v1/auth/token"})
GENERAL = {
    "400": "the body is not standard JSON (NaN, Infinity, numbers beyond a double, integers over 300 digits, "
           "nesting deeper than 64, unpaired surrogates) or is larger than the limit",
    "401": "no bearer token, or one that is unknown, expired or revoked",
    "403": "the caller's roles do not allow this",
    "404": "there is nothing at this address the caller may see",
    "409": "the object changed at the same time, or is not in a state that allows this",
    "413": "the body is larger than the configured upload limit",
    "415": "the body is not in the content type the operation takes",
}
CHANGING_METHODS = frozenset({"post", "put", "patch", "delete"})


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": dict(ERROR_REF)}}}


class ErrorResponsesPlugin(BasePlugin):
    def operation_helper(self, path: str | None = None, operations: dict | None = None, **kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            for code in list(responses):
                response = responses[code]
                if str(code).isdigit() and int(code) >= 400 and isinstance(response, dict) and "content" not in response:
                    response["content"] = _error_response("")["content"]
            present = {str(code) for code in responses}
            wanted = []
            if path not in PUBLIC_PATHS:
                wanted += ["401", "403"]
            if "requestBody" in operation:
                wanted += ["400", "413", "415"]
            if method in CHANGING_METHODS and path not in PUBLIC_PATHS:
                wanted.append("409")  # every change is one transaction that a concurrent one can beat
            if path and "{" in path:
                wanted.append("404")
            for code in wanted:
                if code not in present:
                    responses[code] = _error_response(GENERAL[code])


class StandardJSONProvider(DefaultJSONProvider):
    """Responses are standard JSON: a non-finite float (from a script or old data) becomes null."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        try:
            return super().dumps(obj, **kwargs)
        except ValueError:
            return super().dumps(sanitise(obj), **kwargs)

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_constant", _no_constant)
        return json.loads(s, **kwargs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not standard JSON")

