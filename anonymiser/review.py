"""The human review of one decision's proposals, and its ECLI: the pure rules the review pages apply.

A reviewer accepts or rejects each proposal and adds spans the tool missed (a person added by
hand propagates to the person's other mentions like a found one); a second, different person
approves; only then is there a text to publish. The state is plain data (`as_json` /
`from_json`), so the web app can store it and replay it; nothing here knows of Flask or a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from anonymiser.engine import Anonymiser, Proposal, Span
from anonymiser.errors import AnonymiserError

# ECLI (Council conclusions 2011/C 127/01): court code up to 7 characters, a four-digit year, an
# ordinal number of up to 25 characters, letters, digits and dots only.
_COURT = re.compile(r"[A-Z0-9]{1,7}")
_ORDINAL = re.compile(r"[A-Za-z0-9.]{1,25}")


class ReviewError(AnonymiserError):
    """A review step not allowed in the review's state (the message says which rule)."""


def ecli(court: str, year: int, number: str) -> str:
    """`ECLI:LV:<court>:<year>:<number>`; ReviewError if a part does not fit the ECLI format."""
    if not _COURT.fullmatch(court):
        raise ReviewError(f"court code {court!r}: 1–7 capital letters or digits")
    if not 1900 <= year <= 9999:
        raise ReviewError(f"year {year}: four digits")
    if not _ORDINAL.fullmatch(number):
        raise ReviewError(f"number {number!r}: 1–25 letters, digits or dots")
    return f"ECLI:LV:{court}:{year}:{number}"


@dataclass
class Review:
    text: str
    added: list[Span] = field(default_factory=list)
    rejected: set[tuple[int, int]] = field(default_factory=set)
    reviewed_by: str | None = None
    approved_by: str | None = None

    def proposals(self, anonymiser: Anonymiser) -> list[Proposal]:
        """Every proposal, the rejected ones included (the page shows them struck through)."""
        return anonymiser.propose(self.text, self.added)

    def accepted(self, anonymiser: Anonymiser) -> list[Proposal]:
        return [p for p in self.proposals(anonymiser) if (p.start, p.end) not in self.rejected]

    def _editable(self) -> None:
        if self.reviewed_by is not None:
            raise ReviewError("the review is finished; a change needs it reopened")

    def reject(self, start: int, end: int) -> None:
        """The proposal at start–end stays in the text as written."""
        self._editable()
        self.rejected.add((start, end))

    def accept(self, start: int, end: int) -> None:
        """Undo a rejection."""
        self._editable()
        self.rejected.discard((start, end))

    def add(self, anonymiser: Anonymiser, span: Span) -> None:
        """A span the tool missed; checked against the text at once (SpanError if it does not fit)."""
        self._editable()
        anonymiser.propose(self.text, [*self.added, span])
        self.added.append(span)
        self.rejected.discard((span.start, span.end))

    def finish(self, reviewer: str) -> None:
        self._editable()
        self.reviewed_by = reviewer

    def reopen(self) -> None:
        if self.approved_by is not None:
            raise ReviewError("an approved decision cannot be reopened")
        self.reviewed_by = None

    def approve(self, approver: str) -> None:
        """The second person's approval: never the reviewer's own."""
        if self.reviewed_by is None:
            raise ReviewError("the review is not finished yet")
        if self.approved_by is not None:
            raise ReviewError("the decision is already approved")
        if approver == self.reviewed_by:
            raise ReviewError("the reviewer cannot approve their own review: a second person must")
        self.approved_by = approver

    def published_text(self, anonymiser: Anonymiser) -> str:
        """The text to publish, from the accepted proposals; only after the second person approved."""
        if self.approved_by is None:
            raise ReviewError("not approved yet: nothing may be published")
        return anonymiser.apply(self.text, self.accepted(anonymiser))

    def as_json(self) -> dict:
        return {"added": [[s.start, s.end, s.kind] for s in self.added], "rejected": sorted(map(list, self.rejected)),
                "reviewed_by": self.reviewed_by, "approved_by": self.approved_by}

    @classmethod
    def from_json(cls, text: str, data: dict) -> Review:
        return cls(text, [Span(*item) for item in data.get("added", [])],
                   {tuple(item) for item in data.get("rejected", [])}, data.get("reviewed_by"), data.get("approved_by"))
