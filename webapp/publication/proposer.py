"""The anonymisation tool (`anonymiser`, which knows nothing of Flask or the engine) as the
publication service needs it: proposals as plain dicts, and the other mentions of a person a
reviewer marked by hand. The tool is built once per process (it compiles its recognisers)."""

from __future__ import annotations

import threading
from functools import lru_cache

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _tool():
    from anonymiser.engine import Anonymiser

    return Anonymiser()


def tool():
    with _lock:  # the first request builds it; the others wait rather than build their own
        return _tool()


def propose(text: str) -> list[dict]:
    """[{start, end, kind, replacement, recogniser, score, person}], code-point offsets into `text`."""
    return [proposal.as_json() | {"person": proposal.person} for proposal in tool().propose(text)]


def other_mentions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where else the person marked at text[start:end] is mentioned (inflected, surname or given
    name alone, initial and surname): the tool's own propagation, seeded with the marked span."""
    from anonymiser.engine import Span

    proposals = tool().propose(text, [Span(start, end, "PERSON")])
    person = next((p.person for p in proposals if (p.start, p.end) == (start, end)), None)
    if person is None:
        return []
    return [(p.start, p.end) for p in proposals
            if p.kind == "PERSON" and p.person == person and (p.start, p.end) != (start, end)]
