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
    # "change" (the case's and the platform's history) or "access" (a read of a case).
    kind: Mapped[str] = mapped_column(String(10), default="change", server_default="change")
    # HMAC of the row written in its own transaction; the sealer then links each row to the
    # one before it (chain_seq, chain_hash), once: the triggers allow no other UPDATE.
    row_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)
    chain_seq: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), nullable=True, unique=True)
    chain_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class AuditChain(Base):
    """The head of the audit hash chain (one row): where the sealer continues, and which rows
    predate row MACs."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    legacy_max_id: Mapped[int] = mapped_column(BigInteger)
    head_seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
