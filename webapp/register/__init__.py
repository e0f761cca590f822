"""The property and document register of criminal cases, wired into the web app: the service
operations for processes and the hand-over hook (engine.services.property_process), the API
(`/api/v1/cases/{id}/items`, `/api/v1/items`), the CLI (`flask items`) and the PDFs. The case page
of the staff app is in webapp.pages.register."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from engine.services import property_process
    from webapp.api import gate
    from webapp.register.api import cases_blp, search_blp
    from webapp.register.cli import items_cli

    engine = app.extensions["lieta_engine"]
    property_process.install(engine)
    api = app.extensions["lieta_api"]
    api.register_blueprint(cases_blp)
    api.register_blueprint(search_blp)
    gate.register_lookup(app, "item_id", engine.property_register.visible_item)
    app.cli.add_command(items_cli)
