"""The index the per-element instance counts read: a version's ready inbox rows by element,
covering (definition, state, element, instance), so the count never visits the table rows

Revision ID: 0021
Revises: 0020
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_human_tasks_definition_counts", "human_tasks", ["definition_id", "state", "element_id", "instance_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_human_tasks_definition_counts", table_name="human_tasks")
