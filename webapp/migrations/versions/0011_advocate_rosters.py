"""Advocates' duty rosters (urgent state-ensured legal aid, per court territory) and their duty slots

Revision ID: 0011
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "advocate_rosters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.String(length=80), nullable=True),
        sa.Column("solver_status", sa.String(length=20), nullable=False),
        sa.Column("objective", sa.JSON(), nullable=True),
        sa.Column("solve_seconds", sa.Float(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("unfilled", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advocate_rosters")),
        sa.UniqueConstraint("month", "version", name="uq_advocate_rosters_month_version"),
    )
    with op.batch_alter_table("advocate_rosters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_advocate_rosters_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_advocate_rosters_status"), ["status"], unique=False)
    op.create_table(
        "advocate_duty_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("shift", sa.String(length=40), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("advocate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["advocate_id"], ["advocates.id"],
                                name=op.f("fk_advocate_duty_slots_advocate_id_advocates")),
        sa.ForeignKeyConstraint(["roster_id"], ["advocate_rosters.id"],
                                name=op.f("fk_advocate_duty_slots_roster_id_advocate_rosters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advocate_duty_slots")),
    )
    with op.batch_alter_table("advocate_duty_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_advocate_duty_slots_roster_id"), ["roster_id"], unique=False)
        batch_op.create_index("ix_advocate_duty_slots_region_starts", ["region", "starts_at"], unique=False)


def downgrade():
    op.drop_table("advocate_duty_slots")
    op.drop_table("advocate_rosters")
