from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from webapp.api.schemas import TokenRequestSchema, TokenSchema
from webapp.auth import Unauthorized
from webapp.engine_ext import get_engine

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in")


@blp.route("/token")
class TokenView(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="wrong username or password")
    def post(self, body):
        """Exchange a username and password for a bearer token."""
        engine = get_engine()
        user = engine.users.authenticate(body["username"], body["password"])
        if user is None:
            raise Unauthorized(_("wrong username or password"))
        token = engine.users.issue_token(user)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(engine.settings.token_ttl_hours * 3600),
        }
