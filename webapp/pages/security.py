"""What every page answers with: a strict Content-Security-Policy, secure session cookies and a
CSRF token on every form (Flask-WTF).

The policy allows scripts, styles, images and connections from the app's own origin only, no
inline script or style, no framing and no plug-ins. The session cookie is `__Host-` prefixed
(Secure, no Domain, path /), HttpOnly and SameSite=Lax; browsers treat 127.0.0.1 and localhost
as secure, so it works in development over plain HTTP too.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    settings = app.config["LIETA_SETTINGS"]
    # Flask has defaults for these keys already, so they are set outright.
    app.config.update(
        SESSION_COOKIE_NAME="__Host-lieta",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.token_ttl_hours),
        # The CSRF token lives as long as the session: a form left open over lunch still submits.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=False,  # same-origin is enforced by SameSite and the token
    )
    # The API authenticates with bearer tokens, never cookies, so CSRF does not apply to it:
    # the pages' blueprint checks the token itself (`protect`) instead of every request.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)
    app.after_request(_headers)


def protect() -> None:
    """Refuse an unsafe request without this session's CSRF token (400, the page says why)."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


def _headers(response):
    if request.path.startswith("/api/"):
        return response
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
