"""The court decisions put through anonymisation for publication.

One row per decision, tied to its `decision_publication` case (the process owns review, approval
and publication; this row holds what the process works on). The original text is never shown
outside the case: the public reads `anonymised_text` of published rows only."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UtcDateTime


class CourtDecision(Base):
    __tablename__ = "court_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None until the case's first step takes the decision by its one-time upload key: the row
    # exists before its case does, and nothing but that key (in the starter's start data) links them.
    instance_id: Mapped[str | None] = mapped_column(ForeignKey("process_instances.id"), unique=True, nullable=True)
    upload_key: Mapped[str | None] = mapped_column(String(36), unique=True, nullable=True)
    court: Mapped[str] = mapped_column(String(60), index=True)  # a COURT unit code of the directory
    case_number: Mapped[str] = mapped_column(String(100))
    case_type: Mapped[str] = mapped_column(String(20))  # criminal | civil | administrative
    decision_date: Mapped[dt.date] = mapped_column(Date, index=True)
    source_name: Mapped[str] = mapped_column(String(300))
    source_format: Mapped[str] = mapped_column(String(10))  # txt | docx | pdf
    original_text: Mapped[str] = mapped_column(Text)
    # [{id, start, end, kind, replacement, recogniser, score, person, status}]: status is
    # proposed | accepted | rejected (tool proposals) or added (by hand); `person` groups the
    # mentions of one person, whose letter is given at publication in order of first mention.
    spans: Mapped[list] = mapped_column(JSON)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    anonymised_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    search_text: Mapped[str | None] = mapped_column(Text, nullable=True)  # folded, for the public search
    ecli: Mapped[str | None] = mapped_column(String(80), unique=True, nullable=True)
    ecli_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ecli_sequence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True, index=True)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
