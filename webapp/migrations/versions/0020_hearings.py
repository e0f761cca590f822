"""Scheduled court hearings of a case (for the calendars of the people who take part in it)

Revision ID: 0020
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("court", sa.String(length=60), nullable=False),
        sa.Column("room", sa.String(length=60), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"], name=op.f("fk_hearings_instance_id_process_instances")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
    )
    # The calendars ask for the hearings in a window: by start time, then per case.
    op.create_index("ix_hearings_starts_at", "hearings", ["starts_at"])
    op.create_index("ix_hearings_instance_id", "hearings", ["instance_id"])


def downgrade():
    op.drop_index("ix_hearings_instance_id", table_name="hearings")
    op.drop_index("ix_hearings_starts_at", table_name="hearings")
    op.drop_table("hearings")
