from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime


class ProcessSupervisor(Base):
    """A role that reads every case of a process (a chief prosecutor over investigations).
    Admin-set data, never read from the model: a hostile model must not grant itself readers."""

    __tablename__ = "process_supervisors"

    process_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    role: Mapped[str] = mapped_column(ForeignKey("roles.code"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))


class ServiceGrant(Base):
    """A process whose cases a service account may read and act on; it reaches no other."""

    __tablename__ = "service_grants"

    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(80))


class SignInThrottle(Base):
    """Failed sign-ins counted per key (`user:<name>|<client>` or `client:<address>`), in the
    database so that every worker and host sees the same count."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    first_failure_at: Mapped[datetime] = mapped_column(UtcDateTime)
