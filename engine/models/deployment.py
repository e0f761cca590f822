from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from engine.db import Base, UtcDateTime


class Deployment(Base):
    """One upload of a bundle; the process versions it created or confirmed point back to it."""

    __tablename__ = "deployments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    file_names: Mapped[str] = mapped_column(Text, default="")


class ProcessDefinition(Base):
    """One version of one process id, stored once: the instances refer to it and never embed it.

    `bundle` holds the source files (BPMN, DMN, forms) as JSON, so a version can be re-parsed by
    any web process after a restart; `sha256` decides whether a new upload is a new version. It is
    loaded only when read (a deferred column): starts, message routing and version lists need the
    row, not every model's full text, and the spec cache has the bundle parsed already.
    """

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    deployment_id: Mapped[str] = mapped_column(ForeignKey("deployments.id"))
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    bundle: Mapped[str] = deferred(mapped_column(Text))
    message_starts: Mapped[list] = mapped_column(JSON, default=list)
