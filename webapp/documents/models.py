"""The document store's tables: contents by their SHA-256 (stored once however often attached),
and each case's documents pointing at them with where they came from."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base, UtcDateTime
from engine.models import ProcessInstance


class DocumentContent(Base):
    """Bytes addressed by their SHA-256 (lower-case hex): what a document's hash names."""

    __tablename__ = "document_contents"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class CaseDocument(Base):
    """A generated document attached to a case: which template (and version) made it, who, when."""

    __tablename__ = "case_documents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("document_contents.sha256"), index=True)
    format: Mapped[str] = mapped_column(String(8))  # pdf | docx
    media_type: Mapped[str] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    template_name: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(32))
    template_sha256: Mapped[str] = mapped_column(String(64))
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    element_id: Mapped[str | None] = mapped_column(String(200), nullable=True)

    # Declared so the unit of work inserts the content (and a new case) before the row naming it:
    # the engine flushes everything of a change at once.
    content: Mapped[DocumentContent] = relationship(DocumentContent, lazy="raise")
    instance: Mapped[ProcessInstance] = relationship(ProcessInstance, lazy="raise")
