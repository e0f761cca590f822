from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from engine.db import Base, UtcDateTime


class InstanceStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    ERROR = "error"
    TERMINATED = "terminated"


class ProcessInstance(Base):
    """A running or finished case process.

    `state` is the SpiffWorkflow serialization without the spec (the spec lives once in its
    `ProcessDefinition`). `lock_version` is SQLAlchemy's version counter: every UPDATE says
    `WHERE lock_version = <the one read>`, so a concurrent change makes the second writer fail
    instead of silently overwriting the first.
    """

    __tablename__ = "process_instances"
    __table_args__ = (
        # The case list, newest first, with the columns its condition tests first (migration 0023);
        # and the cases a person started, read from the index alone (0024).
        Index("ix_process_instances_created", "created_at", "id", "started_by", "process_id"),
        Index("ix_process_instances_started_by", "started_by", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    process_version: Mapped[int] = mapped_column(Integer)
    business_key: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = deferred(mapped_column(Text))
    data: Mapped[dict] = deferred(mapped_column(JSON))
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    terminated_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": lock_version}
