"""Signing in and out of the pages, and who the signed-in person is.

A page session holds one sign-in token of the same kind the API issues (so revoking a user's
tokens, deactivating them or signing out ends the session at once, in every server process);
the password check goes through the throttled `engine.sign_in` the API's token endpoint uses.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engine.models import User
from webapp.auth import client_address
from webapp.engine_ext import get_engine
from webapp.i18n import SUPPORTED
from webapp.pages import security


class SignInRequired(Exception):
    """No session, or its token expired or was revoked: the page sends the person to sign in."""


def signed_in_user() -> User | None:
    user = g.get("lieta_user")
    if user is not None:
        return user
    token = session.get("token")
    user = get_engine().users.user_for_token(token) if isinstance(token, str) else None
    if user is not None:
        g.lieta_user = user  # webapp.auth.current_user() answers with the same person
    return user


def staff_page(view):
    """A page for signed-in people only (each view checks its own roles on top)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if signed_in_user() is None:
            raise SignInRequired()
        return view(*args, **kwargs)

    return wrapper


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("pages.inbox")
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_in():
    if request.method == "GET":
        if signed_in_user() is not None:
            return redirect(safe_next(request.args.get("next")))
        return render_template("pages/sign_in.html", next=request.args.get("next", ""), username="")
    username = request.form.get("username", "").strip()[:200]
    password = request.form.get("password", "")[:1000]
    next_url = request.form.get("next", "")
    engine = get_engine()
    result = engine.sign_in.attempt(username, password, client_address())
    if result.throttled:
        minutes = max(1, -(-result.retry_after // 60))
        message = _("too many failed sign-ins: try again in %(minutes)d minutes", minutes=minutes)
        response = render_template("pages/sign_in.html", next=next_url, username=username, error=message), 429
        return (*response, {"Retry-After": str(result.retry_after)})
    if result.user is None:
        return render_template("pages/sign_in.html", next=next_url, username=username,
                               error=_("wrong username or password")), 401
    session.clear()  # nothing from before the sign-in survives it (session fixation)
    session.permanent = True
    session["token"] = engine.users.issue_token(result.user)
    return redirect(safe_next(next_url))


def sign_out():
    token = session.get("token")
    if isinstance(token, str) and signed_in_user() is not None:
        get_engine().users.revoke_token(token)
    session.clear()
    return redirect(url_for("pages.sign_in"))


def language():
    """The language switch: remembered in a cookie the locale selector reads."""
    chosen = request.form.get("lang", "")
    if chosen not in SUPPORTED:
        abort(400)
    response = redirect(safe_next(request.form.get("next")))
    response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, secure=True, httponly=True, samesite="Lax")
    return response


def register(bp: Blueprint) -> None:
    bp.before_request(security.protect)
    bp.add_url_rule("/sign-in", "sign_in", sign_in, methods=["GET", "POST"])
    bp.add_url_rule("/sign-out", "sign_out", sign_out, methods=["POST"])
    bp.add_url_rule("/language", "language", language, methods=["POST"])
