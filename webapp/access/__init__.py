"""Need-to-know administration: the audit trail (access log and changes), the roles that
supervise a process, and the processes a service account may reach."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.access.api import BLUEPRINTS
    from webapp.access.cli import access_cli

    api = app.extensions["lieta_api"]
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.cli.add_command(access_cli)
