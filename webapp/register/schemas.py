"""Request and response shapes of the property register's API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine import property_rules as rules

TEXT = validate.Length(min=1, max=rules.MAX_TEXT)
NOTE = validate.Length(max=rules.MAX_DESCRIPTION)


class ItemHolderSchema(Schema):
    kind = fields.String(metadata={"description": "user, unit, institution or owner"})
    code = fields.String()


class CustodyAcknowledgementSchema(Schema):
    party = fields.String(metadata={"description": "receiver or owner"})
    by = fields.String()
    at = fields.DateTime(format="iso")
    note = fields.String()


class CustodyEventSchema(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    action = fields.String(metadata={"description": "registered, moved, transferred_with_case, returned_to_owner"})
    at = fields.DateTime(format="iso")
    actor = fields.String()
    from_holder = fields.Nested(ItemHolderSchema, allow_none=True)
    from_place = fields.String(allow_none=True)
    to_holder = fields.Nested(ItemHolderSchema)
    to_place = fields.String()
    status = fields.String()
    note = fields.String()
    awaits_receiver = fields.Boolean(metadata={"description": "the receiver has not acknowledged it yet"})
    acknowledgements = fields.List(fields.Nested(CustodyAcknowledgementSchema))


class RegisterItemSchema(Schema):
    id = fields.Integer()
    identifier = fields.String()
    instance_id = fields.String()
    case_number = fields.String(allow_none=True)
    kind = fields.String()
    description = fields.String()
    owner = fields.String(allow_none=True)
    storage_place = fields.String()
    holder = fields.Nested(ItemHolderSchema)
    status = fields.String(metadata={"description": ", ".join(rules.STATUSES)})
    registered_at = fields.DateTime(format="iso")
    registered_by = fields.String()


class RegisterItemWithChainSchema(RegisterItemSchema):
    chain = fields.List(fields.Nested(CustodyEventSchema))


class RegisterItemCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.Length(min=1, max=60),
                         metadata={"description": "a code of the classifier property_item_kind"})
    description = fields.String(required=True, validate=validate.Length(min=1, max=rules.MAX_DESCRIPTION))
    owner = fields.String(validate=TEXT, allow_none=True)
    storage_place = fields.String(required=True, validate=TEXT)
    status = fields.String(load_default=rules.SEIZED, validate=validate.OneOf(rules.INITIAL))
    note = fields.String(load_default="", validate=NOTE)


class ItemReceiverSchema(Schema):
    user = fields.String(validate=TEXT)
    unit = fields.String(validate=TEXT)
    institution = fields.String(validate=TEXT)


class ItemMoveSchema(Schema):
    to = fields.Nested(ItemReceiverSchema, required=True, metadata={"description": "exactly one of user, unit, institution"})
    storage_place = fields.String(validate=TEXT, allow_none=True)
    status = fields.String(validate=validate.OneOf(rules.MOVE_STATUSES), allow_none=True)
    note = fields.String(load_default="", validate=NOTE)


class ItemAcknowledgeSchema(Schema):
    note = fields.String(load_default="", validate=NOTE)


class ItemReturnSchema(Schema):
    owner_name = fields.String(required=True, validate=TEXT)
    owner_acknowledged = fields.Boolean(required=True, metadata={"description": "must be true: the owner signed for it"})
    note = fields.String(load_default="", validate=NOTE)


class ItemSearchQuerySchema(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
