"""Language of user-facing text: Latvian by default for staff, English on request."""

from flask import Flask, request

from webapp.extensions import babel

SUPPORTED = ("lv", "en")


def select_locale() -> str:
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in SUPPORTED:
        return chosen
    return request.accept_languages.best_match(SUPPORTED) or "lv"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
