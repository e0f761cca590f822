"""Presidio assembled for Latvian decisions: proposals, hand-added spans, and the anonymised text.

Presidio's analyzer runs our recognisers on a blank Latvian spaCy pipeline (tokenizer only: no
model is downloaded); its anonymizer writes the replacements. Persons become bare capital letters
A, B, C … in order of first mention, the other data a placeholder naming its kind.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import regex
import spacy
from presidio_analyzer import (
    AnalysisExplanation,
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from anonymiser.addresses import AddressRecognizer, find_addresses
from anonymiser.errors import SpanError
from anonymiser.patterns import LANGUAGE, pattern_recognizers
from anonymiser.persons import Official, find_persons

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
KINDS = ("PERSON", *PLACEHOLDERS)
_QUOTED = regex.compile(r"[„\"“][^\"”“„\n]{1,60}[”\"“]")
_PERSON_KEY = "person"
_MANUAL = "pievienots ar roku"


@dataclass(frozen=True)
class Span:
    """A span a reviewer adds by hand: code-point offsets into the original and the kind of data."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Proposal:
    start: int
    end: int
    kind: str
    replacement: str
    recogniser: str
    score: float
    reason: str = ""
    person: int | None = None

    def as_json(self) -> dict:
        """The record the CLI and the review pages store: offsets are code points into the original."""
        data = asdict(self)
        return {key: data[key] for key in ("start", "end", "kind", "replacement", "recogniser", "score")}


class BlankLatvianNlpEngine(SpacyNlpEngine):
    """spaCy's blank Latvian pipeline: a tokenizer for Presidio's context words, no model to download."""

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": "blank:lv"}])

    def load(self) -> None:
        self.nlp = {LANGUAGE: spacy.blank(LANGUAGE)}


class ContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's context-word enhancer, finding a match's token by bisection.

    Presidio walks every token of the document for every match, which makes a 30,000-word
    decision take seconds per recogniser; the token ends are increasing, so the first token
    ending after the match's start is found by bisection instead (same token, same result).
    """

    _ends: tuple[list[int] | None, list[int]] = (None, [])

    @classmethod
    def _find_index_of_match_token(cls, word: str, start: int, tokens, tokens_indices: list[int]) -> int:
        cached_for, ends = cls._ends  # one read: another thread may replace the pair meanwhile
        if cached_for is not tokens_indices:
            ends = [index + len(token) for index, token in zip(tokens_indices, tokens, strict=True)]
            cls._ends = (tokens_indices, ends)  # holding the list keeps its id from being reused
        position = bisect_right(ends, start)
        if position == len(ends):
            raise ValueError(f"Did not find word {word!r} in the list of tokens although it is expected to be found")
        return position


class PersonRecognizer(EntityRecognizer):
    """Names of natural persons (anonymiser.persons), officials in office left out; made per document
    because the spans a reviewer added seed the propagation."""

    def __init__(self, added_persons: Sequence[tuple[int, int]] = ()) -> None:
        super().__init__(supported_entities=["PERSON"], name="personas vārds", supported_language=LANGUAGE)
        self.added_persons = list(added_persons)
        self.officials: list[Official] = []

    def load(self) -> None:  # the name lists load lazily, once per process
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        blocked = [(a.start, a.end) for a in find_addresses(text)] + [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        mentions, self.officials = find_persons(text, blocked, self.added_persons)
        return [
            RecognizerResult(
                "PERSON", m.start, m.end, m.score,
                analysis_explanation=AnalysisExplanation(self.name, m.score, textual_explanation=m.reason),
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name, _PERSON_KEY: m.person},
            )
            for m in mentions
        ]


def _letter(index: int) -> str:
    # A … Z, then AA, AB …: a decision with more than 26 persons still gets distinct letters.
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _resolve_overlaps(proposals: list[Proposal]) -> list[Proposal]:
    # Hand-added spans first, then the surest, then the longest; a span overlapping a chosen one goes.
    ranked = sorted(proposals, key=lambda p: (p.recogniser != _MANUAL, -p.score, -(p.end - p.start), p.start))
    starts: list[int] = []  # the chosen spans, kept sorted and disjoint: a neighbour check suffices
    chosen: list[Proposal] = []
    for proposal in ranked:
        at = bisect_left(starts, proposal.start)
        if at < len(chosen) and chosen[at].start < proposal.end:
            continue
        if at > 0 and chosen[at - 1].end > proposal.start:
            continue
        starts.insert(at, proposal.start)
        chosen.insert(at, proposal)
    return chosen


def letter_persons(proposals: Iterable[Proposal]) -> list[Proposal]:
    """Give persons A, B, C … in order of first mention; one person keeps one letter throughout."""
    proposals = sorted(proposals, key=lambda p: p.start)
    order: dict[int, str] = {}
    out = []
    for proposal in proposals:
        if proposal.kind == "PERSON" and proposal.person is not None:
            letter = order.setdefault(proposal.person, _letter(len(order)))
            proposal = Proposal(**{**asdict(proposal), "replacement": letter})
        out.append(proposal)
    return out


class Anonymiser:
    """Build once (it loads the NLP pipeline and compiles the patterns), then call per document."""

    def __init__(self) -> None:
        nlp_engine = BlankLatvianNlpEngine()
        nlp_engine.load()
        registry = RecognizerRegistry(recognizers=[*pattern_recognizers(), AddressRecognizer()],
                                      supported_languages=[LANGUAGE])
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE],
                                       context_aware_enhancer=ContextEnhancer())
        self.anonymizer = AnonymizerEngine()

    def propose(self, text: str, added: Sequence[Span] = ()) -> list[Proposal]:
        """What should go, as non-overlapping proposals in text order.

        `added` are spans a reviewer marked by hand; they win over overlapping proposals, and a
        person added by hand propagates to the person's other mentions like a found one.
        """
        for span in added:
            _check_span(text, span)
        persons = PersonRecognizer([(s.start, s.end) for s in added if s.kind == "PERSON"])
        # Case-sensitive on purpose: plates and IBANs are capitals, a lower-case word is not one.
        results = self.analyzer.analyze(text, language=LANGUAGE, ad_hoc_recognizers=[persons],
                                        return_decision_process=True, regex_flags=regex.MULTILINE)
        proposals = [_from_result(text, result) for result in results]
        hand_persons = {}
        for mention in proposals:
            if mention.kind == "PERSON":
                hand_persons.setdefault((mention.start, mention.end), mention.person)
        for span in added:
            person = hand_persons.get((span.start, span.end)) if span.kind == "PERSON" else None
            if span.kind == "PERSON" and person is None:
                person = -1 - added.index(span)  # a person of its own if no token of it was read
            proposals.append(Proposal(span.start, span.end, span.kind, PLACEHOLDERS.get(span.kind, ""), _MANUAL, 1.0,
                                      "pievienots ar roku", person))
        return letter_persons(_resolve_overlaps(proposals))

    def officials(self, text: str) -> list[Official]:
        """The officials in office found (kept in the text), for explanations."""
        persons = PersonRecognizer()
        persons.analyze(text, ["PERSON"])
        return persons.officials

    def apply(self, text: str, proposals: Iterable[Proposal]) -> str:
        """The anonymised text: the accepted proposals replaced, persons re-lettered in order of first mention."""
        chosen = letter_persons(_resolve_overlaps(list(proposals)))
        # One Presidio entity type per span, so that each span gets its own replacement value.
        results = [RecognizerResult(f"S{i}", p.start, p.end, p.score) for i, p in enumerate(chosen)]
        operators = {f"S{i}": OperatorConfig("replace", {"new_value": p.replacement}) for i, p in enumerate(chosen)}
        return self.anonymizer.anonymize(text, results, operators, merge_entities_with_spaces=False).text

    def anonymise(self, text: str, added: Sequence[Span] = ()) -> tuple[str, list[Proposal]]:
        proposals = self.propose(text, added)
        return self.apply(text, proposals), proposals


def _check_span(text: str, span: Span) -> None:
    if span.kind not in KINDS:
        raise SpanError(f"unknown kind {span.kind!r}; one of {', '.join(KINDS)}", span.start, span.end)
    if not 0 <= span.start < span.end <= len(text):
        raise SpanError(f"the span is empty or outside the text of {len(text)} characters", span.start, span.end)


def _from_result(text: str, result: RecognizerResult) -> Proposal:
    metadata = result.recognition_metadata or {}
    recogniser = metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
    explanation = result.analysis_explanation
    reason = ""
    if explanation is not None:
        reason = explanation.textual_explanation or explanation.pattern_name or ""
        if explanation.validation_result is True:
            reason = f"{reason}; pārbaude izturēta".strip("; ")
    replacement = PLACEHOLDERS.get(result.entity_type, "")
    return Proposal(result.start, result.end, result.entity_type, replacement, recogniser, round(result.score, 2),
                    reason, metadata.get(_PERSON_KEY))
