from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base


class Institution(Base):
    """A justice institution (POLICE, PROSECUTION, COURT, TA, BAR, PROBATION, PRISON, FORENSIC,
    PUBLIC): reference data seeded by migration 0006, read by the classifiers."""

    __tablename__ = "institutions"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_lv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Unit(Base):
    """One office of an institution (a court, a prosecution office), coded `INSTITUTION:NAME`.
    A case can name the unit a lane belongs to (`lane_units`), so only that unit's staff are
    offered the lane's tasks."""

    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    institution_code: Mapped[str] = mapped_column(ForeignKey("institutions.code"), index=True)
    name_lv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Role(Base):
    """A role a user may hold and a lane may name; roles are data, so a lane naming an unknown
    role is refused at deployment."""

    __tablename__ = "roles"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    institution_code: Mapped[str | None] = mapped_column(ForeignKey("institutions.code"), nullable=True)
    name_lv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
