"""What a reviewer decides about the anonymisation of one decision, as plain data.

A span is `{id, start, end, kind, replacement, recogniser, score, person, status}` with code-point
offsets into the original text. The tool's proposals arrive `proposed`; the reviewer accepts or
rejects each, and adds what it missed (`added`). Mentions of one person share a `person` key; the
letters are handed out only when the text is rendered, in order of first mention among the spans
that apply, so a rejected person leaves no gap (A, B, C … with no B missing).
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from engine.errors import N_, Conflict, InvalidInput, NotFound, field_error

# The anonymiser's kinds, and the placeholder Cabinet Regulation No. 123 asks for each (a person
# gets a capital letter instead).
PERSON = "PERSON"
PLACEHOLDERS = {
    "PERSONAL_CODE": "[personas kods]",
    "BIRTH_DATE": "[dzimšanas datums]",
    "ADDRESS": "[adrese]",
    "CADASTRE": "[kadastra numurs]",
    "PLATE": "[transportlīdzekļa numurs]",
    "PHONE": "[tālruņa numurs]",
    "EMAIL": "[e-pasta adrese]",
    "IBAN": "[konta numurs]",
}
KINDS = (PERSON, *PLACEHOLDERS)
# An undecided proposal is applied too: publication errs on the side of the person.
APPLIED = frozenset({"proposed", "accepted", "added"})


def from_proposals(proposals: Iterable[dict]) -> list[dict]:
    """The tool's proposals as reviewable spans (a person's letter becomes its grouping key)."""
    spans = []
    for number, proposal in enumerate(sorted(proposals, key=lambda p: (p["start"], p["end"])), start=1):
        kind = proposal["kind"]
        spans.append({
            "id": number, "start": proposal["start"], "end": proposal["end"], "kind": kind,
            "replacement": proposal["replacement"], "recogniser": proposal.get("recogniser", ""),
            "score": proposal.get("score"), "person": _person_key(proposal) if kind == PERSON else None,
            "status": "proposed",
        })
    return spans


def _person_key(proposal: dict) -> str:
    """The tool's person id when it gives one, else its letter (one letter is one person)."""
    person = proposal.get("person")
    return f"tool:{person}" if person is not None else f"tool:{proposal['replacement']}"


def decide(spans: list[dict], span_id: int, accept: bool) -> list[dict]:
    """Accept or reject a proposal; a span added by hand is withdrawn by rejecting it."""
    found = False
    decided = []
    for span in spans:
        if span["id"] == span_id:
            found = True
            span = span | {"status": "accepted" if accept else "rejected"}
            if span["recogniser"] == "reviewer" and accept:
                span["status"] = "added"
        decided.append(span)
    if not found:
        raise NotFound(N_("the decision has no proposal %(span)s"), params={"span": span_id})
    return decided


def add(spans: list[dict], text: str, start: int, end: int, kind: str,
        other_mentions: Iterable[tuple[int, int]] = ()) -> list[dict]:
    """Spans a reviewer adds: the marked one and, for a person, each other mention of them."""
    if kind not in KINDS:
        raise InvalidInput(N_("unknown kind %(kind)r (one of: %(kinds)s)"),
                           [field_error("/kind", N_("unknown kind %(kind)r"), kind=kind)],
                           params={"kind": kind, "kinds": ", ".join(KINDS)})
    if not (0 <= start < end <= len(text)) or not text[start:end].strip():
        raise InvalidInput(N_("the marked text must be inside the decision and not blank"),
                           [field_error("/start", N_("the marked text must be inside the decision and not blank"))])
    live = [s for s in spans if s["status"] != "rejected"]
    overlapping = _overlapping(live, start, end)
    if overlapping is not None:
        raise Conflict(N_("the marked text overlaps proposal %(span)s: decide on that one instead"),
                       params={"span": overlapping["id"]})
    person = f"reviewer:{start}" if kind == PERSON else None
    next_id = max((s["id"] for s in spans), default=0) + 1
    added = []
    for mention_start, mention_end in [(start, end), *sorted(set(other_mentions))]:
        if _overlapping(live + added, mention_start, mention_end) is not None and mention_start != start:
            continue  # already covered (the tool found that mention, or it was added before)
        added.append({"id": next_id, "start": mention_start, "end": mention_end, "kind": kind,
                      "replacement": PLACEHOLDERS.get(kind, ""), "recogniser": "reviewer", "score": None,
                      "person": person, "status": "added"})
        next_id += 1
    return sorted(spans + added, key=lambda s: (s["start"], s["id"]))


def undecided(spans: list[dict]) -> list[int]:
    return [s["id"] for s in spans if s["status"] == "proposed"]


def letters(spans: list[dict]) -> dict[str, str]:
    """person key → capital letter, in order of first applied mention."""
    order: dict[str, str] = {}
    for span in sorted(spans, key=lambda s: s["start"]):
        if span["status"] in APPLIED and span["kind"] == PERSON and span["person"] not in order:
            order[span["person"]] = _letter(len(order))
    return order


def render(text: str, spans: list[dict]) -> str:
    """The anonymised text: every applied span replaced, the rest of the text as it was."""
    letter_of = letters(spans)
    out, position = [], 0
    for span in sorted((s for s in spans if s["status"] in APPLIED), key=lambda s: s["start"]):
        if span["start"] < position:
            continue  # overlaps one already replaced (cannot come from `add`; tool output is trusted less)
        out.append(text[position:span["start"]])
        out.append(letter_of[span["person"]] if span["kind"] == PERSON else span["replacement"])
        position = span["end"]
    out.append(text[position:])
    return "".join(out)


def _overlapping(spans: list[dict], start: int, end: int) -> dict | None:
    return next((s for s in spans if s["start"] < end and start < s["end"]), None)


def _letter(index: int) -> str:
    letters_ = string.ascii_uppercase
    return letters_[index] if index < len(letters_) else f"{letters_[index % 26]}{index // 26}"
