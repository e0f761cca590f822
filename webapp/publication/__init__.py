"""Anonymised court decisions: upload, the anonymisation tool's proposals, review by a court
employee, approval by a second one, and the public list — run as the bundled
`decision_publication` process. The tool itself is the `anonymiser` package (no Flask, no engine).

`init_app` is called from `create_app` after the API and the engine exist; the pages register
on the staff pages' blueprint (`webapp.pages`).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import Flask

from webapp.publication import models  # noqa: F401 - the tables must be known to Alembic and the app


def init_app(app: Flask) -> None:
    from webapp.api import gate
    from webapp.publication import operations
    from webapp.publication.api import blp, public_blp
    from webapp.publication.service import PublicationService

    engine = app.extensions["lieta_engine"]
    engine.operations.register(
        "attach_decision", partial(operations.attach_decision, engine), max_attempts=1,
        description="The calling case takes the court decision uploaded with its one-time key",
    )
    engine.operations.register(
        "publish_decision", partial(operations.publish_decision, engine), max_attempts=3,
        backoff=timedelta(seconds=30),
        description="Publish the calling case's reviewed decision with the next ECLI of its court and year",
    )
    gate.register_lookup(app, "decision_id", lambda actor, value: PublicationService(engine).get(actor, value))
    api = app.extensions["lieta_api"]
    api.register_blueprint(blp)
    api.register_blueprint(public_blp)
