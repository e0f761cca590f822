"""Just enough Latvian morphology to recognise one name in its case forms.

A name is reduced to its stem: the case ending is cut off and the consonant alternation of the
stem's last letter is undone (Jānis / Jāņa, Balodis / Baloža, Ābelītis / Ābelīša, Cīrulis / Cīruļa),
so that every form of one name yields one shared stem. Each ending also says which grammatical
gender it can belong to, which tells Gatis Jansons from Vija Jansone in "Jansonei".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

# Any script's letters: foreign names (Kudła, Müller) are names too. For the `regex` module.
UPPER = r"\p{Lu}"
LOWER = r"\p{Ll}"
CAPITALISED = regex.compile(rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)?")
# Headings and some parties' lists write names in capitals (APSŪDZĒTAIS JĀNIS BĒRZIŅŠ).
ALL_CAPS = regex.compile(rf"[{UPPER}]{{3,}}(?:-[{UPPER}]{{2,}})?")

MASCULINE, FEMININE = "m", "f"
# Case endings of the declensions names use, singular only (decisions name one person at a time).
_ENDINGS: dict[str, frozenset[str]] = {
    "s": frozenset({MASCULINE}), "š": frozenset({MASCULINE}), "is": frozenset({MASCULINE}),
    "us": frozenset({MASCULINE}), "am": frozenset({MASCULINE}), "im": frozenset({MASCULINE}),
    "um": frozenset({MASCULINE}), "em": frozenset({MASCULINE}), "ī": frozenset({MASCULINE}),
    "ū": frozenset({MASCULINE}), "ai": frozenset({FEMININE}), "ei": frozenset({FEMININE}),
    "as": frozenset({FEMININE}), "ē": frozenset({FEMININE}),
    "a": frozenset({MASCULINE, FEMININE}), "e": frozenset({MASCULINE, FEMININE}),
    "es": frozenset({MASCULINE, FEMININE}), "u": frozenset({MASCULINE, FEMININE}),
    "i": frozenset({MASCULINE, FEMININE}), "ā": frozenset({MASCULINE, FEMININE}),
    "": frozenset({MASCULINE, FEMININE}),
}
# The stem's last consonant alternates in some cases; map the alternant back to one letter.
_ALTERNATION = {"ļ": "l", "ņ": "n", "ž": "d", "š": "t", "č": "c", "ķ": "k", "ģ": "g"}
_MIN_STEM = 2


def _canonical(stem: str) -> str:
    stem = stem.lower()
    if stem.endswith("dž"):
        return stem[:-2] + "dz"
    return stem[:-1] + _ALTERNATION.get(stem[-1], stem[-1]) if stem else stem


@lru_cache(maxsize=65536)
def analyses(word: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """Every (stem, genders) reading of a word form: the stem is canonical, lower case."""
    word = word.lower()
    readings: dict[str, set[str]] = {}
    for ending, genders in _ENDINGS.items():
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            stem = _canonical(word[: len(word) - len(ending)])
            readings.setdefault(stem, set()).update(genders)
    return tuple((stem, frozenset(genders)) for stem, genders in readings.items())


@lru_cache(maxsize=65536)
def readings(word: str) -> tuple[tuple[str, str], ...]:
    """Every (stem, ending) split of a word form, the stem canonical and lower case."""
    word = word.lower()
    return tuple((_canonical(word[: len(word) - len(ending)]), ending) for ending in _ENDINGS
                 if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM)


# Which endings one surname takes across its cases, told from the form first seen and the gender.
_MASC_12 = frozenset({"s", "š", "is", "a", "am", "im", "u", "i", "ā", ""})
_MASC_3 = frozenset({"us", "um", "u", "ū", ""})
_FEM_4 = frozenset({"a", "as", "ai", "u", "ā", ""})
_DECL_5 = frozenset({"e", "es", "ei", "em", "i", "ē", ""})


def paradigm(word: str, genders: frozenset[str]) -> frozenset[str]:
    """The endings a surname seen as `word` can take, for a person of the given genders."""
    masculine, feminine = MASCULINE in genders, FEMININE in genders
    word = word.lower()
    if word.endswith("us"):
        return _MASC_3 | _MASC_12
    if word.endswith(("s", "š")) and not word.endswith(("as", "es")):
        return _MASC_12
    if word.endswith(("e", "es", "ei", "em", "ē")):
        return _DECL_5
    if word.endswith(("ai", "as")):
        return _FEM_4
    out: frozenset[str] = frozenset()
    if masculine:
        out |= _MASC_12 | (_DECL_5 if word.endswith("i") else frozenset())
    if feminine:
        out |= _FEM_4 | (_DECL_5 if word.endswith("i") else frozenset())
    return out


def matches(word: str, stem_set: frozenset[str], endings: frozenset[str]) -> bool:
    """Whether the word is a form of the name with these stems, in the given paradigm."""
    return any(stem in stem_set and ending in endings for stem, ending in readings(word))


def stems(word: str) -> frozenset[str]:
    return frozenset(stem for stem, _ in analyses(word))


def genders_for(word: str, stem_set: frozenset[str] | set[str]) -> frozenset[str]:
    """Which genders the word can have when read as one of the given stems."""
    out: set[str] = set()
    for stem, genders in analyses(word):
        if stem in stem_set:
            out |= genders
    return frozenset(out)


def nominative_genders(name: str) -> frozenset[str]:
    """The gender a nominative given name shows by its ending (-s/-š/-is/-us masculine, -a/-e feminine)."""
    name = name.lower()
    if name.endswith(("s", "š")):
        return frozenset({MASCULINE})
    if name.endswith(("a", "e")):
        return frozenset({FEMININE})
    return frozenset({MASCULINE, FEMININE})


# Common words that happen to be a form of a listed given name: never read as one (a company's
# "Valde" is its board; "Jūlijā" at a sentence's start is the month, not Jūlija).
COMMON_WORDS = frozenset({
    "Valde", "Valdes", "Valdei", "Agrā", "Ilgā", "Ilgas", "Kristus", "Augustā", "Martā", "Maijā", "Jūnijā", "Jūlijā",
})


@dataclass(frozen=True)
class GivenName:
    name: str
    gender: str


class Lexicon:
    """The given-name lists of anonymiser/data, indexed by stem."""

    def __init__(self, directory: Path) -> None:
        self.by_stem: dict[str, list[GivenName]] = {}
        for gender, filename in ((MASCULINE, "given_names_male.txt"), (FEMININE, "given_names_female.txt")):
            for line in (directory / filename).read_text(encoding="utf-8").splitlines():
                name = line.strip()
                if name and not name.startswith("#"):
                    stem = _nominative_stem(name)
                    self.by_stem.setdefault(stem, []).append(GivenName(name, gender))

    def lookup(self, word: str) -> list[GivenName]:
        """The given names this word form can be (empty if none): the ending must fit the gender."""
        if word.capitalize() in COMMON_WORDS:
            return []
        found = []
        for stem, genders in analyses(word):
            found.extend(g for g in self.by_stem.get(stem, ()) if g.gender in genders)
        return found


def _nominative_stem(name: str) -> str:
    for ending in ("is", "us", "s", "š", "a", "e"):
        if name.endswith(ending) and len(name) - len(ending) >= _MIN_STEM:
            return _canonical(name[: -len(ending)])
    return _canonical(name)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(Path(__file__).with_name("data"))
