"""Roles, institutions and their units, as data: admins only."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from webapp.api.blueprint import Blueprint
from webapp.auth import require_admin
from webapp.engine_ext import get_engine

blp = Blueprint("roles", __name__, url_prefix="/api/v1", description="Roles, institutions and units (admins only)")


class RoleSchema(Schema):
    code = fields.String()
    name_lv = fields.String()
    name_en = fields.String()
    institution = fields.String(allow_none=True)
    active = fields.Boolean()


class RoleCreateSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=2, max=60))
    name_lv = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=200))
    institution = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))


class UnitSchema(Schema):
    code = fields.String()
    name_lv = fields.String()
    name_en = fields.String()
    active = fields.Boolean()


class InstitutionSchema(Schema):
    code = fields.String()
    name_lv = fields.String()
    name_en = fields.String()
    units = fields.List(fields.Nested(UnitSchema))


def role_dict(role) -> dict:
    return {"code": role.code, "name_lv": role.name_lv, "name_en": role.name_en,
            "institution": role.institution_code, "active": role.active}


@blp.route("/roles")
class RolesView(MethodView):
    @blp.response(200, RoleSchema(many=True))
    @blp.alt_response(403, description="not an administrator")
    def get(self):
        """Every role a user may hold and a lane may name."""
        require_admin()
        return [role_dict(role) for role in get_engine().directory.roles()]

    @blp.arguments(RoleCreateSchema)
    @blp.response(201, RoleSchema)
    @blp.alt_response(409, description="the role exists")
    @blp.alt_response(422, description="a malformed code or an unknown institution")
    def post(self, body):
        """Add a role (lanes may name it from then on)."""
        actor = require_admin()
        role = get_engine().directory.create_role(
            body["code"], body["name_lv"], body["name_en"], body["institution"], actor=actor.username
        )
        return role_dict(role)


@blp.route("/institutions")
class InstitutionsView(MethodView):
    @blp.response(200, InstitutionSchema(many=True))
    @blp.alt_response(403, description="not an administrator")
    def get(self):
        """The institutions, each with its units."""
        require_admin()
        return [
            {"code": inst.code, "name_lv": inst.name_lv, "name_en": inst.name_en,
             "units": [{"code": u.code, "name_lv": u.name_lv, "name_en": u.name_en, "active": u.active} for u in units]}
            for inst, units in get_engine().directory.institutions()
        ]
