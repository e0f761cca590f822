"""The property and document register of criminal cases: each seized item or document, and its
custody chain.

`property_items` holds an item's present state (where, who, status) for reading and searching;
the truth is its chain: `custody_events` and `custody_acknowledgements` only ever gain rows
(database triggers refuse UPDATE and DELETE, migration 0016), so every change of place, holder or
status stays provable. An acknowledgement is a row of its own rather than a column of the event,
so acknowledging never rewrites the event it confirms.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UtcDateTime


class PropertyItem(Base):
    __tablename__ = "property_items"
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    identifier: Mapped[str] = mapped_column(String(80), unique=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    # The case number the item was recorded under: items follow the case number into the
    # processes that continue the case (the court's intake carries it as its business key).
    case_number: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(2000))
    owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    storage_place: Mapped[str] = mapped_column(String(200))
    holder_kind: Mapped[str] = mapped_column(String(12))  # user, unit, institution, owner
    holder_code: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    registered_by: Mapped[str] = mapped_column(String(200))
    chain_length: Mapped[int] = mapped_column(Integer)  # events so far: the next one's seq is this + 1
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": lock_version}


class CustodyEvent(Base):
    """One link of an item's chain: from whom and where, to whom and where, the status after it."""

    __tablename__ = "custody_events"
    __table_args__ = (UniqueConstraint("item_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("property_items.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    from_kind: Mapped[str | None] = mapped_column(String(12), nullable=True)
    from_code: Mapped[str | None] = mapped_column(String(200), nullable=True)
    from_place: Mapped[str | None] = mapped_column(String(200), nullable=True)
    to_kind: Mapped[str] = mapped_column(String(12))
    to_code: Mapped[str] = mapped_column(String(200))
    to_place: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(String(2000), default="")

    item: Mapped[PropertyItem] = relationship()


class CustodyAcknowledgement(Base):
    """The receiver's (or, on a return, the owner's) confirmation that they got the item."""

    __tablename__ = "custody_acknowledgements"
    __table_args__ = (UniqueConstraint("event_id", "party"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("custody_events.id"), index=True)
    party: Mapped[str] = mapped_column(String(10))  # receiver, owner
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(String(2000), default="")

    event: Mapped[CustodyEvent] = relationship()
