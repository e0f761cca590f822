"""The blueprint of the staff pages, made once per app (each page module adds its routes with
`register(bp)`; a module-level blueprint could not be registered by a second app)."""

from flask import Blueprint


def make_blueprint() -> Blueprint:
    return Blueprint("pages", __name__, template_folder="../templates")  # static files: the app's own /static
