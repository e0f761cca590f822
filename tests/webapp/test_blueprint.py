"""The API's blueprint builds each argument schema once, not for every request."""

from __future__ import annotations

from flask import Flask
from flask.views import MethodView
from flask_smorest import Api
from marshmallow import Schema, fields

from webapp.api.blueprint import Blueprint


def test_an_argument_schema_given_as_a_class_is_built_once_and_still_validates():
    built = []

    class PageSchema(Schema):
        limit = fields.Integer(load_default=10)

        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    blp = Blueprint("pages", __name__, url_prefix="/pages")

    @blp.route("")
    class Pages(MethodView):
        @blp.arguments(PageSchema, location="query")
        def get(self, query):
            return {"limit": query["limit"]}

    app = Flask(__name__)
    app.config.update(API_TITLE="t", API_VERSION="1", OPENAPI_VERSION="3.0.3")
    Api(app).register_blueprint(blp)
    client = app.test_client()
    assert client.get("/pages?limit=3").json == {"limit": 3}
    assert client.get("/pages").json == {"limit": 10}
    assert client.get("/pages?limit=many").status_code == 422
    assert len(built) == 1
