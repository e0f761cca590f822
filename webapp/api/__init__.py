from flask import Flask

from webapp.api import auth, deployments, errors, incidents, instances, message_catalogue, messages, roles, tasks, users


def init_app(app: Flask) -> None:
    api = errors.LietaApi(app, spec_kwargs={})
    app.extensions["lieta_api"] = api
    for module in (auth, deployments, instances, tasks, messages, message_catalogue, incidents, users, roles):
        api.register_blueprint(module.blp)
    errors.init_app(app)
