"""Drafts of task forms (per user and task) and the indexes the staff inbox sorts and filters by

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "task_drafts",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_task_drafts_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "task_id", name=op.f("pk_task_drafts")),
    )
    # The inbox reads open tasks ordered by due date or age, a page at a time; without these
    # every page sorts all open tasks (100,000 cases: tens of thousands of rows per request).
    op.create_index("ix_human_tasks_state_due", "human_tasks", ["state", "due_at"])
    # `id` too: it breaks ties in the sort, so tasks created in the same instant need no extra sort.
    op.create_index("ix_human_tasks_state_created", "human_tasks", ["state", "created_at", "id"])
    op.create_index("ix_human_tasks_business_key", "human_tasks", ["business_key"])


def downgrade():
    op.drop_index("ix_human_tasks_business_key", table_name="human_tasks")
    op.drop_index("ix_human_tasks_state_created", table_name="human_tasks")
    op.drop_index("ix_human_tasks_state_due", table_name="human_tasks")
    op.drop_table("task_drafts")
