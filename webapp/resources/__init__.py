"""People and plans the solvers work on (advocates, prosecutors, duty rosters, calendar feeds,
hearing proposals) and the `assign_defence_lawyer` service operation.

`init_app` is called from `create_app` after the API and the engine exist. Nothing here imports
the solvers (OR-Tools loads slowly): the handlers import them when first used.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from flask import Flask

from webapp.resources import models  # noqa: F401 - the tables must be known to Alembic and the app


def init_app(app: Flask) -> None:
    from webapp.resources import assignment
    from webapp.resources.api import BLUEPRINTS, feed_bp
    from webapp.resources.cli import resources_cli, roster_cli

    engine = app.extensions["lieta_engine"]
    engine.operations.register(
        assignment.OPERATION, partial(assignment.assign, engine), max_attempts=3, backoff=timedelta(minutes=5),
        description="Choose a state-ensured defence lawyer with the legal-aid solver and record the assignment",
    )
    api = app.extensions["lieta_api"]
    from webapp.api import gate
    from webapp.resources import advocates, prosecutors

    gate.register_lookup(app, "advocate_id", advocates.get_advocate)
    gate.register_lookup(app, "prosecutor_id", prosecutors.get_prosecutor)
    from webapp.resources.advocate_roster_api import advocate_roster_cli, advocate_rosters_blp
    from webapp.resources.hearing_api import hearings_blp

    for blueprint in (*BLUEPRINTS, advocate_rosters_blp, hearings_blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(feed_bp)
    app.cli.add_command(resources_cli)
    app.cli.add_command(roster_cli)
    app.cli.add_command(advocate_roster_cli)
