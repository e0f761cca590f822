"""Language of user-facing text: Latvian by default for staff, English on request."""

from functools import lru_cache

from babel import Locale
from flask import Flask, request
from flask_babel import get_locale

from webapp.extensions import babel

SUPPORTED = ("lv", "en")


def select_locale() -> Locale:
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen not in SUPPORTED:
        chosen = request.accept_languages.best_match(SUPPORTED) or "lv"
    return _locale(chosen)


@lru_cache(maxsize=len(SUPPORTED))
def _locale(code: str) -> Locale:
    """Parsed once: Babel looks for the locale's data file on every parse, on every request."""
    return Locale.parse(code)


def request_language() -> str:
    """The two-letter code of the language this request is answered in (for the engine, which
    knows nothing of Flask)."""
    locale = get_locale()
    return locale.language if locale is not None else "lv"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
