"""The annotated evaluation set and its scorer.

The set (tests/fixtures/anonymisation/) is written with inline markers so that a person can read
and extend it without counting offsets: `[[text|KIND|person]]` must go, `{{text}}` must stay.
This module strips the markers, keeps the spans as code-point offsets into the clean text, and
scores proposed spans against them. It knows nothing of how the proposals are made, so the set
and the scorer could be committed before any recogniser existed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("PERSON", "PERSONAL_CODE", "BIRTH_DATE", "ADDRESS", "CADASTRE", "PLATE", "PHONE", "EMAIL", "IBAN")
_MARKER = re.compile(r"\[\[(?P<remove>[^\]|]+)\|(?P<kind>[A-Z_]+)(?:\|(?P<person>[^\]]+))?\]\]|\{\{(?P<keep>[^}]+)\}\}")


class EvaluationSetError(ValueError):
    """An annotation in the evaluation set is malformed; carries the file and the offending text."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source


@dataclass(frozen=True)
class GoldSpan:
    start: int
    end: int
    kind: str
    person: str | None = None


@dataclass(frozen=True)
class Document:
    name: str
    text: str
    remove: tuple[GoldSpan, ...]
    keep: tuple[tuple[int, int], ...]

    @property
    def case_type(self) -> str:
        return self.name.split("_", 1)[1] if "_" in self.name else ""


@dataclass(frozen=True)
class Proposed:
    """What a recogniser proposes: the minimum the scorer needs (any object with these fields works)."""

    start: int
    end: int
    kind: str
    replacement: str = ""


def parse(marked: str, source: str = "<text>") -> Document:
    """Strip the markers of one annotated excerpt; offsets are code points into the clean text."""
    out: list[str] = []
    remove: list[GoldSpan] = []
    keep: list[tuple[int, int]] = []
    position = 0
    length = 0
    for match in _MARKER.finditer(marked):
        before = marked[position : match.start()]
        out.append(before)
        length += len(before)
        inner = match.group("remove") if match.group("remove") is not None else match.group("keep")
        start, end = length, length + len(inner)
        if match.group("remove") is not None:
            kind = match.group("kind")
            if kind not in KINDS:
                raise EvaluationSetError(source, f"unknown kind {kind!r} at {inner!r}")
            person = match.group("person")
            if (kind == "PERSON") != (person is not None):
                raise EvaluationSetError(source, f"a PERSON span needs a person id, others none: {inner!r}")
            remove.append(GoldSpan(start, end, kind, person))
        else:
            keep.append((start, end))
        out.append(inner)
        length = end
        position = match.end()
    out.append(marked[position:])
    text = "".join(out)
    for leftover in ("[[", "]]", "{{", "}}"):
        if leftover in text:
            raise EvaluationSetError(source, f"unbalanced marker {leftover!r}")
    return Document(Path(source).stem, text, tuple(remove), tuple(keep))


def load_set(directory: Path) -> list[Document]:
    """Every annotated excerpt (`*.txt`) of the directory, in name order."""
    return [parse(path.read_text(encoding="utf-8"), str(path)) for path in sorted(directory.glob("*.txt"))]


def _significant(text: str, start: int, end: int) -> set[int]:
    # Whitespace and punctuation at a span's edge say nothing about whether the data went.
    return {i for i in range(start, end) if text[i].isalnum()}


@dataclass
class Score:
    found: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    keep_kept: int = 0
    keep_total: int = 0
    extra_chars: int = 0
    person_mentions: int = 0
    person_consistent: int = 0
    person_merges: int = 0
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    lost_keep: list[tuple[str, str]] = field(default_factory=list)

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.total[kind] if self.total[kind] else 1.0

    @property
    def keep_rate(self) -> float:
        return self.keep_kept / self.keep_total if self.keep_total else 1.0

    @property
    def consistency(self) -> float:
        return self.person_consistent / self.person_mentions if self.person_mentions else 1.0

    def report(self) -> str:
        lines = [f"{kind:<14} recall {self.recall(kind):7.2%} ({self.found[kind]}/{self.total[kind]})"
                 for kind in KINDS if self.total[kind]]
        lines.append(f"{'KEEP':<14} kept   {self.keep_rate:7.2%} ({self.keep_kept}/{self.keep_total} characters)")
        lines.append(f"{'LETTERS':<14} same letter for one person {self.consistency:7.2%} "
                     f"({self.person_consistent}/{self.person_mentions} mentions), {self.person_merges} persons merged")
        lines.append(f"{'EXTRA':<14} {self.extra_chars} characters removed outside any annotated span")
        return "\n".join(lines)


def score_document(document: Document, proposed: Iterable[Proposed], total: Score | None = None) -> Score:
    """Add one document's figures to `total` (a new Score if none) and return it."""
    score = total if total is not None else Score()
    proposed = list(proposed)
    covered_by_kind: dict[str, set[int]] = defaultdict(set)
    covered: set[int] = set()
    letter_at: dict[int, str] = {}
    for span in proposed:
        chars = set(range(span.start, span.end))
        covered_by_kind[span.kind] |= chars
        covered |= chars
        if span.kind == "PERSON":
            letter_at.update(dict.fromkeys(chars, span.replacement))
    letters_of: dict[str, Counter] = defaultdict(Counter)
    gold_chars: set[int] = set()
    for gold in document.remove:
        chars = _significant(document.text, gold.start, gold.end)
        gold_chars |= set(range(gold.start, gold.end))
        score.total[gold.kind] += 1
        if chars <= covered_by_kind[gold.kind]:
            score.found[gold.kind] += 1
        else:
            score.missed.append((document.name, gold.kind, document.text[gold.start : gold.end]))
        if gold.kind == "PERSON":
            letters = {letter_at[i] for i in chars if i in letter_at}
            letters_of[gold.person].update([letters.pop() if len(letters) == 1 else None])
    for counts in letters_of.values():
        letter, hits = counts.most_common(1)[0]
        score.person_mentions += sum(counts.values())
        score.person_consistent += hits if letter is not None else 0
    majority = [counts.most_common(1)[0][0] for counts in letters_of.values()]
    majority = [letter for letter in majority if letter is not None]
    score.person_merges += len(majority) - len(set(majority))
    for start, end in document.keep:
        chars = _significant(document.text, start, end)
        kept = chars - covered
        score.keep_total += len(chars)
        score.keep_kept += len(kept)
        if kept != chars:
            score.lost_keep.append((document.name, document.text[start:end]))
    score.extra_chars += len(_significant(document.text, 0, len(document.text)) & (covered - gold_chars))
    return score


def score_set(documents: Sequence[Document], proposals: Sequence[Iterable[Proposed]]) -> Score:
    """Figures over the whole set; `proposals[i]` are the spans proposed for `documents[i]`."""
    score = Score()
    for document, proposed in zip(documents, proposals, strict=True):
        score_document(document, proposed, score)
    return score
