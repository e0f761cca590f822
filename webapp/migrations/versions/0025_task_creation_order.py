"""Tasks in creation order, whatever their state: the inbox without a state filter

A reader in many cases had their unfiltered inbox (`GET /api/v1/tasks`) sorted from every task
they may see: 84 ms on SQLite and 70 ms on PostgreSQL with 100,000 cases. Read in creation order
it stops at the page: 6.8 ms and 13.2 ms (0.27 ms in the database), one run each. Before 0024 the
same index made a reader in no case eight times slower (41 -> 330 ms on SQLite), every row then
fetched in order to be tested; such readers are now served from their own rows.

Revision ID: 0025
Revises: 0024
"""

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_human_tasks_created", "human_tasks", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_human_tasks_created", table_name="human_tasks")
