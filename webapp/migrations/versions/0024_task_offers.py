"""The offers index (task_offers); the tasks a person completed and the cases they started, by person

A reader who takes part in few of many cases made every list read test every open task (and, for
the case list, every case) against the access rule's LIKE patterns: with 100,000 cases the case
list took such a reader 227-420 ms on SQLite and 265 ms on PostgreSQL. The offers index gives an
open task's keys (`role:<role>`, `role:<role>@<unit>`, `user:<name>`), so a reader's own tasks
and cases are found by equality first (engine/services/offers.py, engine/services/reach.py).

The open tasks are indexed here as the engine indexes new ones. The key rule is repeated rather
than imported: a migration must keep doing what it did when the code moves on.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

BATCH = 5000


def _keys(role, candidates, unit) -> list[str]:
    if candidates is not None:
        return [f"user:{name}" for name in sorted({name for name in candidates.split(",") if name})]
    suffix = f"@{unit}" if unit is not None else ""
    return [f"role:{name}{suffix}" for name in sorted(set(role.split(",")) if role else set())]


def upgrade() -> None:
    offers = op.create_table(
        "task_offers",
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("instance_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("task_id", "key", name=op.f("pk_task_offers")),
    )
    op.create_index("ix_task_offers_key", "task_offers", ["key", "instance_id", "task_id"])
    op.create_index(op.f("ix_task_offers_instance_id"), "task_offers", ["instance_id"])
    op.create_index("ix_human_tasks_completed_by", "human_tasks", ["completed_by", "instance_id", "id"])
    # Holding the id as well, SQLite reads a person's cases from the index alone and chooses it even
    # when its statistics say one person started nearly every case.
    op.drop_index("ix_process_instances_started_by", table_name="process_instances")
    op.create_index("ix_process_instances_started_by", "process_instances", ["started_by", "id"])

    bind = op.get_bind()
    tasks = sa.table("human_tasks", *(sa.column(name) for name in ("id", "instance_id", "role", "candidates", "unit", "state")))
    open_tasks = bind.execute(
        sa.select(tasks.c.id, tasks.c.instance_id, tasks.c.role, tasks.c.candidates, tasks.c.unit)
        .where(tasks.c.state == "ready").order_by(tasks.c.id)
    ).all()
    rows = [
        {"task_id": task_id, "key": key, "instance_id": instance_id}
        for task_id, instance_id, role, candidates, unit in open_tasks
        for key in _keys(role, candidates, unit)
    ]
    for start in range(0, len(rows), BATCH):
        op.bulk_insert(offers, rows[start:start + BATCH])


def downgrade() -> None:
    op.drop_index("ix_process_instances_started_by", table_name="process_instances")
    op.create_index("ix_process_instances_started_by", "process_instances", ["started_by"])
    op.drop_index("ix_human_tasks_completed_by", table_name="human_tasks")
    op.drop_index(op.f("ix_task_offers_instance_id"), table_name="task_offers")
    op.drop_index("ix_task_offers_key", table_name="task_offers")
    op.drop_table("task_offers")
