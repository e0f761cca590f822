"""Case documents: the store (tables, service), the `render_document` service operation, the
API and the CLI. Rendering and sealing live in the top-level `documents` package."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import Flask

from webapp.documents import models  # noqa: F401 - the tables must be known to Alembic and the app


def init_app(app: Flask) -> None:
    from webapp.documents import operation
    from webapp.documents.api import blp
    from webapp.documents.cli import documents_cli

    engine = app.extensions["lieta_engine"]
    # A template or seal problem does not mend itself: one retry, then an incident for an admin.
    engine.operations.register(
        operation.OPERATION, partial(operation.render_document, engine), max_attempts=2,
        backoff=timedelta(minutes=1),
        description="Make a decision document (PDF sealed, DOCX) from the calling case's data and attach it",
    )
    app.extensions["lieta_api"].register_blueprint(blp)
    app.cli.add_command(documents_cli)
