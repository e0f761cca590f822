from flask.views import MethodView
from flask_babel import gettext as _

from webapp.api.blueprint import Blueprint
from webapp.api.schemas import TokenRequestSchema, TokenSchema
from webapp.auth import TooManyAttempts, Unauthorized, client_address, current_user, presented_token
from webapp.engine_ext import get_engine

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-in")


@blp.route("/token")
class TokenView(MethodView):
    @blp.arguments(TokenRequestSchema)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="wrong username or password")
    @blp.alt_response(429, description="too many failed sign-ins: try again after Retry-After seconds")
    def post(self, body):
        """Exchange a username and password for a bearer token (failures are throttled)."""
        engine = get_engine()
        result = engine.sign_in.attempt(body["username"], body["password"], client_address())
        if result.throttled:
            minutes = max(1, -(-result.retry_after // 60))
            raise TooManyAttempts(
                _("too many failed sign-ins: try again in %(minutes)d minutes", minutes=minutes), result.retry_after
            )
        if result.user is None:
            raise Unauthorized(_("wrong username or password"))
        token = engine.users.issue_token(result.user)
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": int(engine.settings.token_ttl_hours * 3600),
        }

    @blp.response(204)
    @blp.alt_response(401, description="no valid token was presented")
    def delete(self):
        """Sign out: the presented token stops working at once, in every server process."""
        current_user()
        get_engine().users.revoke_token(presented_token())
        return None
