"""Bearer-token authentication for the API."""

from __future__ import annotations

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from engine.errors import EngineError
from engine.models import User
from webapp.engine_ext import get_engine


class Unauthorized(EngineError):
    """No token, or one that is unknown, expired or revoked (HTTP 401)."""


def current_user() -> User:
    user = g.get("lieta_user")
    if user is not None:
        return user
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("sign in first: send 'Authorization: Bearer <token>' from POST /api/v1/auth/token"))
    user = get_engine().users.user_for_token(token.strip())
    if user is None:
        raise Unauthorized(_("the access token is invalid, expired or revoked: request a new one"))
    g.lieta_user = user
    return user


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        current_user()
        return view(*args, **kwargs)

    return wrapper
