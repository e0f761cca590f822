"""The staff pages: sign-in, inbox, task forms, case pages, starting a case.

Server-rendered (Jinja, one base.html), working without JavaScript; the few page scripts and
the vendored libraries are files under webapp/static/, since the Content-Security-Policy forbids
inline script and style. Every page applies the API's rules through the same engine services:
roles on every action, and a case the reader takes no part in is 404.
"""

from __future__ import annotations

from flask import Flask

from webapp.pages import models  # noqa: F401 - the tables must be known to Alembic and the app


def init_app(app: Flask) -> None:
    from webapp.pages import (
        admin,
        admin_people,
        calendar,
        cases,
        errors,
        fees,
        formatting,
        inbox,
        modeler,
        processes,
        register,
        security,
        signin,
        start,
        tasks,
    )
    from webapp.pages.blueprint import make_blueprint
    from webapp.publication import pages as decisions

    bp = make_blueprint()
    security.init_app(app)
    formatting.init_app(app)
    for module in (signin, inbox, tasks, cases, register, start, fees, decisions, processes, modeler, admin, admin_people,
                   calendar):
        module.register(bp)
    errors.register(bp)
    app.register_blueprint(bp)
    errors.init_app(app)
