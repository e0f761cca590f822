from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base


class Classifier(Base):
    """A shared code list (court territories, offence articles, languages …). Its entries live in
    versions: a change adds a version and never rewrites an older one, so a case keeps meaning
    what its code meant when it was recorded."""

    __tablename__ = "classifiers"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    title_lv: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(1000))
    # False: the list could not be checked against its source (the API says so).
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    # True: readable without signing in.
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    current_version: Mapped[int] = mapped_column(Integer, default=1)


class ClassifierVersion(Base):
    __tablename__ = "classifier_versions"
    __table_args__ = (UniqueConstraint("classifier", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    classifier: Mapped[str] = mapped_column(ForeignKey("classifiers.name"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(1000), default="")


class ClassifierEntry(Base):
    """One code of one version, valid from `valid_from` (inclusive, None: always) to `valid_to`
    (exclusive, None: open)."""

    __tablename__ = "classifier_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("classifier_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    name_lv: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str] = mapped_column(String(500))
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(Date, nullable=True)
