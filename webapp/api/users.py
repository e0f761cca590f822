"""People and their roles, institution and unit: admins only."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from engine.models import User
from webapp.api.blueprint import Blueprint
from webapp.auth import require_admin
from webapp.engine_ext import get_engine

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Users (admins only)")


class UserSchema(Schema):
    username = fields.String()
    full_name = fields.String()
    institution = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    active = fields.Boolean()
    service_account = fields.Boolean()
    created_at = fields.DateTime()


class UserCreateSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(load_default=None, validate=validate.Length(min=8, max=1024))
    full_name = fields.String(load_default="", validate=validate.Length(max=200))
    institution = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    unit = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60))
    roles = fields.List(fields.String(validate=validate.Length(min=1, max=60)), load_default=list)
    service_account = fields.Boolean(load_default=False)


class UserPatchSchema(Schema):
    full_name = fields.String(validate=validate.Length(max=200))
    institution = fields.String(allow_none=True, validate=validate.Length(max=20))
    unit = fields.String(allow_none=True, validate=validate.Length(max=60))
    roles = fields.List(fields.String(validate=validate.Length(min=1, max=60)))
    active = fields.Boolean()


def user_dict(user: User) -> dict:
    return {
        "username": user.username, "full_name": user.full_name, "institution": user.institution_code,
        "unit": user.unit_code, "roles": sorted(user.roles), "active": user.active,
        "service_account": user.is_service_account, "created_at": user.created_at,
    }


@blp.route("/users")
class UsersView(MethodView):
    @blp.response(200, UserSchema(many=True))
    @blp.alt_response(403, description="not an administrator")
    def get(self):
        """Every user, by username."""
        require_admin()
        return [user_dict(user) for user in get_engine().users.list()]

    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(409, description="the username is taken")
    @blp.alt_response(422, description="an unknown role, institution or unit, or a unit outside the institution")
    def post(self, body):
        """Create a user (or, with `service_account`, an account for another system)."""
        actor = require_admin()
        user = get_engine().users.create(
            body["username"], body["password"], body["roles"], full_name=body["full_name"],
            institution=body["institution"], unit=body["unit"], service_account=body["service_account"],
            actor=actor.username,
        )
        return user_dict(user)


@blp.route("/users/<string:username>")
class UserView(MethodView):
    @blp.response(200, UserSchema)
    @blp.alt_response(404, description="no such user")
    def get(self, username):
        """One user."""
        require_admin()
        return user_dict(get_engine().users.by_username(username))

    @blp.arguments(UserPatchSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(422, description="an unknown role, institution or unit, or a unit outside the institution")
    def patch(self, body, username):
        """Change a user's name, institution, unit, roles or active flag; deactivating revokes all
        of the user's tokens at once."""
        actor = require_admin()
        return user_dict(get_engine().users.update(username, body, actor=actor.username))


class UnlockSchema(Schema):
    username = fields.String()
    counters_removed = fields.Integer(metadata={"description": "how many (username, client) failure counts were cleared"})


class SignInLockSchema(Schema):
    username = fields.String()
    client = fields.String()
    failures = fields.Integer()
    until = fields.DateTime(format="iso")


@blp.route("/sign-in-locks")
class SignInLocksView(MethodView):
    @blp.response(200, SignInLockSchema(many=True))
    def get(self):
        """The (username, client address) pairs whose sign-in is refused now after too many failures."""
        require_admin()
        return [vars(lock) for lock in get_engine().sign_in.locks()]


@blp.route("/sign-in-locks/<string:username>/unlock")
class UnlockView(MethodView):
    @blp.response(200, UnlockSchema)
    def post(self, username):
        """Lift the sign-in lock of a username from every client address (audited as
        `sign_in_unlocked`). The username need not exist: failures of unknown names are counted too."""
        actor = require_admin()
        removed = get_engine().sign_in.unlock(username[:200], actor=actor.username)
        return {"username": username, "counters_removed": removed}
