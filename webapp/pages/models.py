"""Tables of the staff pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime


class TaskDraft(Base):
    """What one person typed into one task's form and saved unvalidated, to finish later.

    Keyed by (user, task): a draft is private to whoever typed it. The task id is not a foreign
    key: task rows are a projection the engine rewrites, and a draft of a task that closed is
    simply never shown again (and is deleted when its author submits)."""

    __tablename__ = "task_drafts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
