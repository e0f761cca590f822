from flask import Flask

from webapp.api import (
    auth,
    classifiers,
    contract,
    deployments,
    errors,
    fees,
    gate,
    incidents,
    instances,
    message_catalogue,
    messages,
    roles,
    tasks,
    users,
    versions,
)


def init_app(app: Flask) -> None:
    app.json = contract.StandardJSONProvider(app)
    gate.init_app(app)
    api = errors.LietaApi(app, spec_kwargs={})
    plugin = contract.ErrorResponsesPlugin()
    plugin.init_spec(api.spec)
    api.spec.plugins.append(plugin)
    app.extensions["lieta_api"] = api
    for module in (auth, deployments, instances, tasks, messages, message_catalogue, incidents, users, roles, fees,
                   classifiers, versions):
        api.register_blueprint(module.blp)
    errors.init_app(app)
    fees.init_app(app)
    engine = app.extensions["lieta_engine"]
    gate.register_lookup(app, "instance_id", engine.instances.get)
    gate.register_lookup(app, "task_id", engine.tasks.get)
    versions.init_app(app)
