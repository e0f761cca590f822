"""The property and document register: items of criminal cases and their append-only custody chain

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

APPEND_ONLY = ("custody_events", "custody_acknowledgements")


def upgrade():
    op.create_table(
        "property_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("identifier", sa.String(80), nullable=False),
        sa.Column("instance_id", sa.String(36), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("case_number", sa.String(200), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("storage_place", sa.String(200), nullable=False),
        sa.Column("holder_kind", sa.String(12), nullable=False),
        sa.Column("holder_code", sa.String(200), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(200), nullable=False),
        sa.Column("chain_length", sa.Integer(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("identifier"),
        sa.UniqueConstraint("instance_id", "seq"),
    )
    with op.batch_alter_table("property_items") as batch_op:
        batch_op.create_index("ix_property_items_instance_id", ["instance_id"])
        batch_op.create_index("ix_property_items_case_number", ["case_number"])
        batch_op.create_index("ix_property_items_holder_code", ["holder_code"])
        batch_op.create_index("ix_property_items_status", ["status"])
    op.create_table(
        "custody_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("property_items.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("from_kind", sa.String(12), nullable=True),
        sa.Column("from_code", sa.String(200), nullable=True),
        sa.Column("from_place", sa.String(200), nullable=True),
        sa.Column("to_kind", sa.String(12), nullable=False),
        sa.Column("to_code", sa.String(200), nullable=False),
        sa.Column("to_place", sa.String(200), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "seq"),
    )
    with op.batch_alter_table("custody_events") as batch_op:
        batch_op.create_index("ix_custody_events_item_id", ["item_id"])
    op.create_table(
        "custody_acknowledgements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("custody_events.id"), nullable=False),
        sa.Column("party", sa.String(10), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "party"),
    )
    with op.batch_alter_table("custody_acknowledgements") as batch_op:
        batch_op.create_index("ix_custody_acknowledgements_event_id", ["event_id"])
    _chain_is_append_only()


def _chain_is_append_only():
    """The database itself refuses to rewrite a custody chain, whatever code asks it to."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
CREATE FUNCTION custody_chain_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$;""")
        for table in APPEND_ONLY:
            op.execute(f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION custody_chain_append_only()""")
            op.execute(f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION custody_chain_append_only()""")
        return
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} is not allowed'); END""")


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS custody_chain_append_only()")
    op.drop_table("custody_acknowledgements")
    op.drop_table("custody_events")
    op.drop_table("property_items")
