"""A lane shared by several roles: a task's role column holds them joined by commas

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=60), type_=sa.String(length=300))


def downgrade():
    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.alter_column("role", existing_type=sa.String(length=300), type_=sa.String(length=60))
