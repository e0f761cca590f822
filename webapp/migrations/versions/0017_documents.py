"""The document store: contents by SHA-256 and the documents attached to cases

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_contents",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("instance_id", sa.String(36), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("document_contents.sha256"), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("template_name", sa.String(64), nullable=False),
        sa.Column("template_version", sa.String(32), nullable=False),
        sa.Column("template_sha256", sa.String(64), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("task_id", sa.String(64), nullable=True),
        sa.Column("element_id", sa.String(200), nullable=True),
    )
    op.create_index("ix_case_documents_instance_id", "case_documents", ["instance_id"])
    op.create_index("ix_case_documents_sha256", "case_documents", ["sha256"])


def downgrade() -> None:
    op.drop_index("ix_case_documents_sha256", table_name="case_documents")
    op.drop_index("ix_case_documents_instance_id", table_name="case_documents")
    op.drop_table("case_documents")
    op.drop_table("document_contents")
