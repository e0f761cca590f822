"""Tables of the people and plans the solvers work on: advocates (legal aid), prosecutors and their
duty rosters, and the secret calendar-feed tokens. Plain models on the engine's declarative base,
so Alembic and the app see them with the engine's tables."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UtcDateTime


class Advocate(Base):
    """A sworn advocate on the legal-aid list."""

    __tablename__ = "advocates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    territories: Mapped[list] = mapped_column(JSON)
    languages: Mapped[list] = mapped_column(JSON)
    juvenile: Mapped[bool] = mapped_column(Boolean, default=False)
    daily_capacity: Mapped[int] = mapped_column(Integer, default=2)
    office_x_km: Mapped[float] = mapped_column(Float, default=0.0)
    office_y_km: Mapped[float] = mapped_column(Float, default=0.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    leaves: Mapped[list[AdvocateLeave]] = relationship(
        back_populates="advocate", cascade="all, delete-orphan", lazy="selectin", order_by="AdvocateLeave.start_date"
    )


class AdvocateLeave(Base):
    """Days (inclusive) on which the advocate takes no assignments."""

    __tablename__ = "advocate_leaves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    advocate_id: Mapped[int] = mapped_column(ForeignKey("advocates.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    advocate: Mapped[Advocate] = relationship(back_populates="leaves")


class AssignmentStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    DECLINED = "declined"


class AdvocateAssignment(Base):
    """One state-ensured defence assignment made by `assign_defence_lawyer`. Rows with status
    `assigned` on a date count against that day's capacity and the following 30 days' load."""

    __tablename__ = "advocate_assignments"
    __table_args__ = (Index("ix_advocate_assignments_advocate_on", "advocate_id", "assigned_on"),)

    # A UUID chosen by the handler: it runs before the engine flushes the instance, so it cannot
    # flush to learn a database-generated id.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    advocate_id: Mapped[int] = mapped_column(ForeignKey("advocates.id"))
    case_id: Mapped[str] = mapped_column(String(200), index=True)
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    assigned_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default=AssignmentStatus.ASSIGNED)
    territory: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(10))
    juvenile: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    instance_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    solver_status: Mapped[str] = mapped_column(String(20))
    explanation: Mapped[list] = mapped_column(JSON)

    advocate: Mapped[Advocate] = relationship(lazy="joined")


class Prosecutor(Base):
    __tablename__ = "prosecutors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    regions: Mapped[list] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)

    leaves: Mapped[list[ProsecutorLeave]] = relationship(
        back_populates="prosecutor", cascade="all, delete-orphan", lazy="selectin",
        order_by="ProsecutorLeave.start_date",
    )


class ProsecutorLeave(Base):
    __tablename__ = "prosecutor_leaves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prosecutor_id: Mapped[int] = mapped_column(ForeignKey("prosecutors.id"), index=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")

    prosecutor: Mapped[Prosecutor] = relationship(back_populates="leaves")


class RosterStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class Roster(Base):
    """One version of a month's duty-prosecutor roster. At most one version per month is approved."""

    __tablename__ = "rosters"
    __table_args__ = (UniqueConstraint("month", "version", name="uq_rosters_month_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    solver_status: Mapped[str] = mapped_column(String(20))
    objective: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    solve_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    settings: Mapped[dict] = mapped_column(JSON)
    unfilled: Mapped[list] = mapped_column(JSON)

    slots: Mapped[list[DutySlot]] = relationship(
        back_populates="roster", cascade="all, delete-orphan", order_by="DutySlot.starts_at, DutySlot.region"
    )


class DutySlot(Base):
    __tablename__ = "duty_slots"
    __table_args__ = (Index("ix_duty_slots_prosecutor_starts", "prosecutor_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(60))
    shift: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    prosecutor_id: Mapped[int] = mapped_column(ForeignKey("prosecutors.id"))

    roster: Mapped[Roster] = relationship(back_populates="slots")
    prosecutor: Mapped[Prosecutor] = relationship(lazy="joined")


class CalendarToken(Base):
    """The secret of a user's private iCalendar feed; only its SHA-256 is stored."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)


class AdvocateRoster(Base):
    """One version of a month's advocates' duty roster (urgent legal aid, KPL s.81), per court
    territory. At most one version per month is approved, by the elder of sworn advocates."""

    __tablename__ = "advocate_rosters"
    __table_args__ = (UniqueConstraint("month", "version", name="uq_advocate_rosters_month_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(80), nullable=True)
    solver_status: Mapped[str] = mapped_column(String(20))
    objective: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    solve_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    settings: Mapped[dict] = mapped_column(JSON)
    unfilled: Mapped[list] = mapped_column(JSON)

    slots: Mapped[list[AdvocateDutySlot]] = relationship(
        back_populates="roster", cascade="all, delete-orphan",
        order_by="AdvocateDutySlot.starts_at, AdvocateDutySlot.region",
    )


class AdvocateDutySlot(Base):
    __tablename__ = "advocate_duty_slots"
    __table_args__ = (Index("ix_advocate_duty_slots_region_starts", "region", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("advocate_rosters.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(60))
    shift: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    advocate_id: Mapped[int] = mapped_column(ForeignKey("advocates.id"))

    roster: Mapped[AdvocateRoster] = relationship(back_populates="slots")
    advocate: Mapped[Advocate] = relationship(lazy="joined")


class Hearing(Base):
    """A court hearing scheduled in a case (chosen from the hearing proposals or set by hand). Shown
    in the calendars of those who take part in the case, by the case's need-to-know rule."""

    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    court: Mapped[str] = mapped_column(String(60))
    room: Mapped[str] = mapped_column(String(60))
    starts_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))
