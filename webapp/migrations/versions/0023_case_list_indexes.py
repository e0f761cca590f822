"""The indexes the case list and the inbox read at scale: cases newest first, and the cases a
person started

The case list (`GET /api/v1/process-instances`, newest first) sorted every case the reader may
see before cutting the page: 183 ms on PostgreSQL and 186 ms on SQLite with 100,000 cases, for a
clerk who took part in all of them. Read backwards through (created_at, id) it stops at the page
(6.1 and 1.9 ms with this index, one run each). The index also holds the columns the list's condition tests first (the starter,
the process), so a reader who takes part in none of the cases costs SQLite no row lookups until
one matches: 227 ms instead of 597 with (created_at, id) alone, and 430 ms with no index.
The inbox's "tasks outside any lane, in cases I started" read every case on PostgreSQL's generic
plan: an empty inbox took 115-145 ms there with 100,000 open tasks, 24-39 ms (four runs) with the
index.

Revision ID: 0023
Revises: 0022
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_process_instances_created", "process_instances", ["created_at", "id", "started_by", "process_id"])
    op.create_index("ix_process_instances_started_by", "process_instances", ["started_by"])


def downgrade() -> None:
    op.drop_index("ix_process_instances_started_by", table_name="process_instances")
    op.drop_index("ix_process_instances_created", table_name="process_instances")
