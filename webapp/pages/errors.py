"""Error pages that say what happened and what to do next (403, 404, 409, 500 and the rest).

Errors raised by the engine keep the status the API gives them (one table, webapp.api.errors);
a page only adds the words around it. Outside /api/ an unknown address also gets a page rather
than the API's JSON body.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import EngineError
from webapp.api.errors import STATUS_BY_ERROR, translated
from webapp.pages.form_html import BadSubmission
from webapp.pages.signin import SignInRequired

log = logging.getLogger(__name__)

# status: (title, what to do)
ADVICE = {
    400: (_l("The request could not be processed"), _l("Go back, reload the page and try again.")),
    403: (_l("You may not do this"),
          _l("If your work needs it, ask an administrator to give you the role. Your inbox lists what you may do.")),
    404: (_l("Not found"),
          _l("The page or case does not exist, or you take no part in it. Check the address or go back to your inbox.")),
    405: (_l("The request could not be processed"), _l("Go back, reload the page and try again.")),
    409: (_l("The case changed meanwhile"),
          _l("Someone else changed this case or task while you worked on it. Reload it to see its current state.")),
    413: (_l("The upload is too large"), _l("Send a smaller file.")),
    422: (_l("The data was not accepted"), _l("Correct the marked fields and send again.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes and try again.")),
    500: (_l("Something went wrong on our side"),
          _l("The error has been logged. Try again in a moment; if it keeps happening, tell the administrator.")),
}


def error_page(status: int, message: str | None = None):
    title, advice = ADVICE.get(status, ADVICE[400 if status < 500 else 500])
    return render_template("pages/error.html", status=status, title=title, message=message, advice=advice), status


def _sign_in_required(_err):
    return redirect(url_for("pages.sign_in", next=request.full_path.rstrip("?")))


def _engine_error(err: EngineError):
    status = next((code for cls, code in STATUS_BY_ERROR if isinstance(err, cls)), 500)
    if status == 500:
        log.error("engine error on %s %s: %s", request.method, request.path, err)
        return error_page(500)
    return error_page(status, translated(err.template, err.params))


def _csrf_error(_err):
    return error_page(400, str(_l("The form had expired or did not come from this site, so nothing was saved.")))


def _bad_submission(err: Exception):
    return error_page(400, str(err))


def _http_error(err: HTTPException):
    return error_page(err.code or 500)


def _server_error(_err):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_page(500)


def register(bp: Blueprint) -> None:
    bp.register_error_handler(SignInRequired, _sign_in_required)
    bp.register_error_handler(EngineError, _engine_error)
    bp.register_error_handler(CSRFError, _csrf_error)
    bp.register_error_handler(BadSubmission, _bad_submission)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(500, _server_error)


def init_app(app: Flask) -> None:
    """Addresses no view answers (a mistyped URL) get a page too; /api/ keeps its JSON."""
    api_handler = app.error_handler_spec[None][None].get(HTTPException)

    def not_routed(err: HTTPException):
        if request.path.startswith("/api") and api_handler is not None:
            return api_handler(err)
        return _http_error(err)

    app.register_error_handler(HTTPException, not_routed)
