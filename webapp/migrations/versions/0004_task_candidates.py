"""Lane owners named by the case: the users a human task is offered to (spiff-arena's lane_owners)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("candidates", sa.String(length=2000), nullable=True))


def downgrade():
    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.drop_column("candidates")
