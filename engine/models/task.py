from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UtcDateTime
from engine.models.user import User


class TaskState(enum.StrEnum):
    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


def encode_candidates(usernames) -> str | None:
    names = sorted({str(name).strip() for name in usernames or [] if name is not None and str(name).strip()})
    return f",{','.join(names)}," if names else None


class HumanTask(Base):
    """The inbox projection of a manual (user) task, rewritten after every change of its instance.

    The id is SpiffWorkflow's task UUID, so it stays stable across loads of the workflow.
    """

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_inbox", "state", "role"),
        Index("ix_human_tasks_assignee_state", "assignee_id", "state"),
        # Per-element instance counts (engine/services/element_counts.py), migration 0021.
        Index("ix_human_tasks_definition_counts", "definition_id", "state", "element_id", "instance_id"),
        # The tasks and cases a person completed work in, found without reading the rest (0024).
        Index("ix_human_tasks_completed_by", "completed_by", "instance_id", "id"),
        # The inbox without a state filter, read in creation order (0025).
        Index("ix_human_tasks_created", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    process_id: Mapped[str] = mapped_column(String(200))
    process_version: Mapped[int] = mapped_column(Integer)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300), default="")
    lane: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str | None] = mapped_column(String(300), nullable=True)  # roles joined by commas
    # The lane's owners named by the case (spiff-arena's `lane_owners` task data), stored as
    # ",user1,user2," so one LIKE finds a user's tasks; None: anyone holding `role`.
    candidates: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    # The unit the case names for the lane (`lane_units`): only its staff are offered the task.
    unit: Mapped[str | None] = mapped_column(String(60), nullable=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    business_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    form_file: Mapped[str | None] = mapped_column(String(300), nullable=True)
    ui_form_file: Mapped[str | None] = mapped_column(String(300), nullable=True)
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="joined")

    @property
    def candidate_usernames(self) -> list[str]:
        return [name for name in (self.candidates or "").split(",") if name]

    __mapper_args__ = {"version_id_col": lock_version}
