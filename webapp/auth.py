"""Bearer-token authentication for the API."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from engine.errors import EngineError, PermissionDenied
from engine.models import User
from webapp.engine_ext import get_engine


class Unauthorized(EngineError):
    """No token, or one that is unknown, expired or revoked (HTTP 401)."""


class TooManyAttempts(EngineError):
    """Sign-in refused unchecked after too many failures (HTTP 429 with Retry-After)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def presented_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("sign in first: send 'Authorization: Bearer <token>' from POST /api/v1/auth/token"))
    return token.strip()


def client_address() -> str:
    """The address sign-in failures are counted against. Behind a reverse proxy this is the
    proxy's, unless the app trusts its X-Forwarded-For (LIETA_PROXY_HOPS, werkzeug's ProxyFix)."""
    return request.remote_addr or "unknown"


def current_user() -> User:
    user = g.get("lieta_user")
    if user is not None:
        return user
    user = get_engine().users.user_for_token(presented_token())
    if user is None:
        raise Unauthorized(_("the access token is invalid, expired or revoked: request a new one"))
    g.lieta_user = user
    return user


def require_admin() -> User:
    user = current_user()
    if not user.is_admin:
        raise PermissionDenied(_("only an administrator may do this"))
    return user


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        current_user()
        return view(*args, **kwargs)

    return wrapper
