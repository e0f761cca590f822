"""Addresses: streets with house and flat numbers, farmsteads in quotes, parishes, postcodes LV-NNNN.

A home or property address goes; the address of a court, an institution or a company stays
(Regulation No. 123 keeps them), which is told by what precedes it: "juridiskā adrese", or
"adrese" right after the name of an organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from anonymiser.latvian import LOWER, UPPER

LANGUAGE = "lv"
_CAP = rf"[{UPPER}][{LOWER}]+"
_STREET_TYPE = (r"(?:iel(?:a|ā|as|u)|gatv(?:e|ē|es)|bulvār(?:is|ī|a)|prospekt(?:s|ā|a)|alej(?:a|ā|as)|"
                r"damb(?:is|ī|ja)|laukum(?:s|ā|a)|šosej(?:a|ā|as)|krastmal(?:a|ā|as)|līnij(?:a|ā)|ceļ(?:š|ā|a)|"
                r"skvēr(?:s|ā|a)|šķērsiel(?:a|ā))")
_HOUSE = r"\d+[a-zA-Z]?(?: ?k[-.] ?\d+)?(?: ?[-–] ?\d+)?(?:,? dz\. ?\d+)?"
_PLACE = rf"(?:{_CAP}(?: {_CAP})? (?:novad(?:s|ā)|pagast(?:s|ā))|{_CAP}|LV-\d{{4}})"
_TAIL = rf"(?:, ?{_PLACE})*"
_QUOTED = r"[„\"“][^\"”“„\n]{2,40}[”\"“]"
# A street named by words (Brīvības, K. Valdemāra, Mazā Nometņu) or by a date (13. janvāra).
_STREET_NAME = rf"(?:(?:{_CAP}|[{UPPER}]\.) ?){{1,3}}|\d{{1,2}}\. [{LOWER}]+ "
_STREET = regex.compile(rf"(?<![{UPPER}{LOWER}\d])(?:{_STREET_NAME}){_STREET_TYPE} {_HOUSE}{_TAIL}")
_FARMSTEAD = regex.compile(rf"{_QUOTED}(?:, ?{_CAP} (?:pagast(?:s|ā)|novad(?:s|ā)){_TAIL}|, ?{_CAP}(?=, ?LV-){_TAIL})")
_PARISH = regex.compile(rf"{_CAP} (?:pagast(?:s|ā)|pagasta teritorij(?:a|ā)){_TAIL}")
_PROPERTY_NAME = regex.compile(
    rf"(?<=(?i:īpašum[sauā]|vienīb[auā]|saimniecīb[auā]|mājas|māj[aā]|viensēt[aā]|dzīvo|dzīvesvieta:?)\s+){_QUOTED}")
_ORGANISATION_WORDS = (
    r"SIA|AS|AAS|VAS|biedrīb\w*|nodibinājum\w*|dienest\w*|pārvald\w*|būvvald\w*|tiesa\w*|tiesā|tiesu|direkcij\w*|"
    r"aģentūr\w*|struktūrvienīb\w*|pašvaldīb\w*|ministrij\w*|inspekcij\w*|bank\w*|komisij\w*|centr\w*|"
    r"biroj\w*|skol\w*|slimnīc\w*|prokuratūr\w*|policij\w*|apgabalties\w*|bāriņties\w*")
_ORGANISATION = regex.compile(rf"(?i:\b(?:{_ORGANISATION_WORDS}))")
# "… Rīgas pilsētas tiesā, Abrenes ielā 8" or "SIA „Koks”, Brīvības iela 1": the organisation's own address.
_RIGHT_AFTER_ORGANISATION = regex.compile(
    rf"(?:(?i:\b(?:{_ORGANISATION_WORDS}))|\b(?:SIA|AS|AAS|VAS)\s*[„\"“][^”\"“]+[”\"“])\s*(?:\([^()]{{0,60}}\))?\s*,\s*$")
_LEGAL_ADDRESS = regex.compile(r"(?i:juridisk\w* adrese:?\s*)$")
_PLAIN_ADDRESS = regex.compile(r"(?i:\badrese:?\s*)$")
_PRIVATE = regex.compile(r"(?i:deklarēt|dzīv)")


@dataclass(frozen=True)
class AddressMatch:
    start: int
    end: int
    institutional: bool
    reason: str


# A sentence ends at a full stop before a capital, unless the stop ends an abbreviation (reģ. Nr.).
_BOUNDARY = regex.compile(rf"(?<!\b(?:reģ|Reģ|Nr|nr|dz|k|g|p|pag|nov|tālr|tel|pk|p\.k))\.\s+(?=[{UPPER}])|;|\n")


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - 160) : start]
    cuts = [m.end() for m in _BOUNDARY.finditer(window)]
    return window[cuts[-1] :] if cuts else window


def _is_institutional(text: str, start: int) -> bool:
    clause = _clause_before(text, start)
    if _LEGAL_ADDRESS.search(clause) or _RIGHT_AFTER_ORGANISATION.search(clause):
        return True
    if not _PLAIN_ADDRESS.search(clause):
        return False
    # The nearer of the two decides: "dzīvo X, prasībā pret dienestu, adrese Y" is the institution's.
    organisations = [m.end() for m in _ORGANISATION.finditer(clause)]
    private = [m.end() for m in _PRIVATE.finditer(clause)]
    return bool(organisations) and (not private or organisations[-1] > private[-1])


def find_addresses(text: str) -> list[AddressMatch]:
    """Every address in the text, institutional ones flagged; overlapping matches merged into the longest."""
    raw: list[tuple[int, int, str]] = []
    for pattern, reason in ((_STREET, "street and house number"), (_FARMSTEAD, "farmstead name with its parish"),
                            (_PARISH, "parish and county"), (_PROPERTY_NAME, "property name after its kind")):
        raw.extend((m.start(), m.end(), reason) for m in pattern.finditer(text))
    raw.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    merged: list[tuple[int, int, str]] = []
    for start, end, reason in raw:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2])
        else:
            merged.append((start, end, reason))
    return [AddressMatch(start, end, _is_institutional(text, start), reason) for start, end, reason in merged]


class AddressRecognizer(EntityRecognizer):
    """Presidio wrapper: proposes the non-institutional addresses."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["ADDRESS"], name="adrese", supported_language=LANGUAGE)

    def load(self) -> None:  # nothing to load: the patterns are compiled at import
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        results = []
        for match in find_addresses(text):
            if match.institutional:
                continue
            explanation = self.build_explanation(0.85, match.reason)
            results.append(RecognizerResult("ADDRESS", match.start, match.end, 0.85, analysis_explanation=explanation,
                                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name}))
        return results

    def build_explanation(self, score: float, reason: str):
        from presidio_analyzer import AnalysisExplanation

        return AnalysisExplanation(recognizer=self.name, original_score=score, textual_explanation=reason)
