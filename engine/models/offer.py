from __future__ import annotations

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base


class TaskOffer(Base):
    """To whom an open task is offered, one row per key (engine/services/offers.py): the index
    that finds a reader's few tasks and cases among many without testing every row.

    Written and deleted with the inbox row in the same transaction; it holds open tasks only. It
    narrows where the access rule looks and decides nothing itself: every row it points to is
    still tested against the rule, so a stale row cannot show anything. No foreign keys: the rows
    go with the task's own writes (through the write queue, in any order) and inbox rows are never
    deleted.
    """

    __tablename__ = "task_offers"
    __table_args__ = (Index("ix_task_offers_key", "key", "instance_id", "task_id"),)

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(36), index=True)
