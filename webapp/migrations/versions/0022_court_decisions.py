"""Court decisions put through anonymisation, review and publication

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "court_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("upload_key", sa.String(length=36), nullable=True),
        sa.Column("court", sa.String(length=60), nullable=False),
        sa.Column("case_number", sa.String(length=100), nullable=False),
        sa.Column("case_type", sa.String(length=20), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("source_name", sa.String(length=300), nullable=False),
        sa.Column("source_format", sa.String(length=10), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("spans", sa.JSON(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("anonymised_text", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=True),
        sa.Column("ecli", sa.String(length=80), nullable=True),
        sa.Column("ecli_year", sa.Integer(), nullable=True),
        sa.Column("ecli_sequence", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_court_decisions_instance_id_process_instances")),
        sa.ForeignKeyConstraint(["uploaded_by"], ["users.id"], name=op.f("fk_court_decisions_uploaded_by_users")),
        sa.ForeignKeyConstraint(["approved_by"], ["users.id"], name=op.f("fk_court_decisions_approved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_court_decisions")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_court_decisions_instance_id")),
        sa.UniqueConstraint("ecli", name=op.f("uq_court_decisions_ecli")),
        sa.UniqueConstraint("upload_key", name=op.f("uq_court_decisions_upload_key")),
    )
    op.create_index(op.f("ix_court_decisions_court"), "court_decisions", ["court"])
    op.create_index(op.f("ix_court_decisions_decision_date"), "court_decisions", ["decision_date"])
    op.create_index(op.f("ix_court_decisions_published_at"), "court_decisions", ["published_at"])


def downgrade():
    op.drop_index(op.f("ix_court_decisions_published_at"), table_name="court_decisions")
    op.drop_index(op.f("ix_court_decisions_decision_date"), table_name="court_decisions")
    op.drop_index(op.f("ix_court_decisions_court"), table_name="court_decisions")
    op.drop_table("court_decisions")
