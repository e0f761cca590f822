"""The public list of published decisions: every word of a query must occur in the anonymised
text (case and diacritics ignored), filtered by court, case type and date; newest first.

Only rows with `published_at` set are ever read here, and only their anonymised text is matched
or returned: the original text takes no part in the public search.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.publication.models import CourtDecision

PER_PAGE = 20
MAX_WORDS = 10


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def published(session: Session, q: str | None = None, court: str | None = None, case_type: str | None = None,
              date_from: dt.date | None = None, date_to: dt.date | None = None,
              page: int = 1) -> tuple[int, list[CourtDecision]]:
    from webapp.publication.service import fold

    conditions = [CourtDecision.published_at.is_not(None)]
    for word in fold(q or "").split()[:MAX_WORDS]:
        conditions.append(CourtDecision.search_text.like(f"%{_escape_like(word)}%", escape="\\"))
    if court:
        conditions.append(CourtDecision.court == court)
    if case_type:
        conditions.append(CourtDecision.case_type == case_type)
    if date_from:
        conditions.append(CourtDecision.decision_date >= date_from)
    if date_to:
        conditions.append(CourtDecision.decision_date <= date_to)
    total = session.scalar(select(func.count()).select_from(CourtDecision).where(*conditions)) or 0
    rows = session.scalars(
        select(CourtDecision).where(*conditions)
        .order_by(CourtDecision.decision_date.desc(), CourtDecision.id.desc())
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    )
    return total, list(rows)


def by_ecli(session: Session, ecli: str) -> CourtDecision | None:
    return session.scalar(select(CourtDecision).where(CourtDecision.ecli == ecli,
                                                      CourtDecision.published_at.is_not(None)))


def courts(session: Session) -> list[str]:
    """The courts with at least one published decision (the filter's choices)."""
    return list(session.scalars(select(CourtDecision.court).where(CourtDecision.published_at.is_not(None))
                                .distinct().order_by(CourtDecision.court)))
