"""Process versions under control: the review of each proposed version (four-eyes approval) and
the jobs that move running cases to another version

Revision ID: 0018
Revises: 0017

A version without a review row counts as approved, so every version stored before this migration
stays the one its cases and new starts use.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "version_reviews",
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definitions.id"],
                                name=op.f("fk_version_reviews_definition_id_process_definitions")),
        sa.PrimaryKeyConstraint("definition_id", name=op.f("pk_version_reviews")),
    )
    op.create_index(op.f("ix_version_reviews_status"), "version_reviews", ["status"])
    op.create_table(
        "version_migrations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_migrations")),
    )
    op.create_index(op.f("ix_version_migrations_process_id"), "version_migrations", ["process_id"])
    op.create_index(op.f("ix_version_migrations_status"), "version_migrations", ["status"])
    op.create_table(
        "version_migration_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["version_migrations.id"],
                                name=op.f("fk_version_migration_items_job_id_version_migrations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_migration_items")),
    )
    op.create_index("ix_version_migration_items_job_status", "version_migration_items", ["job_id", "status"])


def downgrade():
    op.drop_index("ix_version_migration_items_job_status", table_name="version_migration_items")
    op.drop_table("version_migration_items")
    op.drop_index(op.f("ix_version_migrations_status"), table_name="version_migrations")
    op.drop_index(op.f("ix_version_migrations_process_id"), table_name="version_migrations")
    op.drop_table("version_migrations")
    op.drop_index(op.f("ix_version_reviews_status"), table_name="version_reviews")
    op.drop_table("version_reviews")
