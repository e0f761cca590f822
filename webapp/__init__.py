"""Lieta's web application: wires the engine (and later the solvers) behind HTTP."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from engine.clock import Clock
from webapp.settings import Settings

API_SPEC = {
    "API_TITLE": "Lieta API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    "OPENAPI_SWAGGER_UI_URL": "/api/docs/static/",
    "API_SPEC_OPTIONS": {
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearerAuth": []}],
    },
}


def create_app(test_config: dict | None = None, clock: Clock | None = None) -> Flask:
    """Build the app. `test_config` may carry `LIETA_SETTINGS_OVERRIDES` (a dict of Settings
    fields) and plain Flask keys; `clock` replaces the wall clock (tests move time)."""
    app = Flask(__name__, instance_path=os.environ.get("LIETA_INSTANCE_PATH") or None)
    test_config = dict(test_config or {})
    overrides = test_config.pop("LIETA_SETTINGS_OVERRIDES", {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env(app.instance_path, overrides=overrides)

    from webapp.database import engine_options

    app.config.update(
        LIETA_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.sqlalchemy_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings.sqlalchemy_url),
        MAX_CONTENT_LENGTH=int(settings.max_upload_mb * 1024 * 1024),
        BABEL_DEFAULT_LOCALE=settings.default_locale,
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        JSON_SORT_KEYS=False,
        **API_SPEC,
    )
    app.config.update(test_config)
    if settings.proxy_hops > 0:
        # Behind N trusted reverse proxies the client is the address they saw: sign-in throttling
        # counts per client, and without this every client would be the proxy.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)

    from webapp import (
        access,
        cli,
        database,
        documents,
        engine_ext,
        i18n,
        pages,
        publication,
        register,
        resources,
        scheduler,
    )
    from webapp.api import init_app as init_api
    from webapp.extensions import db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    i18n.init_app(app)
    engine_ext.init_app(app, clock)
    database.init_app(app)
    init_api(app)
    cli.init_app(app)
    resources.init_app(app)
    publication.init_app(app)
    register.init_app(app)
    documents.init_app(app)
    access.init_app(app)
    pages.init_app(app)
    scheduler.init_app(app)
    return app
