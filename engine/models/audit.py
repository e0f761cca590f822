from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime


class AuditEvent(Base):
    """Append-only record of every change. The database refuses UPDATE and DELETE on this table
    (triggers created by the migration), so not even a bug in our code can rewrite history."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    event: Mapped[str] = mapped_column(String(40), index=True)
    instance_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    deployment_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
