from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime


class MessageStatus(enum.StrEnum):
    PENDING = "pending"  # thrown by an instance, not yet routed (the outbox)
    BUFFERED = "buffered"  # matched nothing yet; kept until a wait appears or it expires
    DELIVERED = "delivered"
    EXPIRED = "expired"
    REFUSED = "refused"  # thrown by a process the catalogue does not allow, or over a budget


class MessageWait(Base):
    """A message catch event waiting in an instance, indexed by name and correlation values.

    `correlation_key` is the canonical JSON of the wait's correlation values, so a posted message
    finds its waits by an exact lookup per property set instead of scanning every wait.
    """

    __tablename__ = "message_waits"
    __table_args__ = (Index("ix_message_waits_lookup", "name", "property_set", "correlation_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36), unique=True)
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    property_set: Mapped[str] = mapped_column(String(500))
    correlation_key: Mapped[str] = mapped_column(String(2000))
    correlation: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Message(Base):
    """Every message posted or thrown: the unique `message_id` makes delivery exactly-once."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_status_name", "status", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    correlation: Mapped[dict] = mapped_column(JSON)
    payload: Mapped[dict | list | str | int | float | bool | None] = mapped_column(JSON, nullable=True)
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    delivered_to: Mapped[list] = mapped_column(JSON)
    source_instance_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # Who sent it, for which case, under which catalogue version (see engine.message_catalogue).
    envelope: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": lock_version}


class MessageCatalogueEntry(Base):
    """What one message name may do: who may throw it, who may catch it, what its payload is.

    `version` increases on every change, and each message carries the version it was sent under.
    """

    __tablename__ = "message_catalogue"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    senders: Mapped[list] = mapped_column(JSON)
    receivers: Mapped[list] = mapped_column(JSON)
    payload_schema: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(200))
