"""Natural persons: found from given-name lists, context words and initials, then propagated.

No Latvian NER model can be had offline, so names are found in three passes:
1. seeds — a listed given name (any case form) with the capitalised word after it, a listed given
   name alone, an initial with a surname, or a capitalised run right after a party word
   (apsūdzētais, liecinieks, prasītāja …); a hand-added span is a seed too;
2. officials — a seed right after a role word (tiesnese, prokurors, advokāts …), or continuing an
   enumeration after one, is an official in office and is kept;
3. propagation — every other capitalised word whose stem is a known person's surname or given name
   (inflected, surname only, given name only, initial plus surname) is a mention of that person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from anonymiser.latvian import (
    ALL_CAPS,
    CAPITALISED,
    LOWER,
    UPPER,
    genders_for,
    lexicon,
    matches,
    nominative_genders,
    paradigm,
    stems,
)
from anonymiser.roles import (
    NOT_SURNAMES,
    OFFICIAL_PHRASES,
    OFFICIAL_ROLES,
    PARTICLES,
    PERSON_CONTEXT,
    is_list_gap,
    is_role_gap,
)

_TOKEN = regex.compile(rf"[{UPPER}]\.(?=\s?[{UPPER}])|[{UPPER}{LOWER}]+(?:-[{UPPER}{LOWER}]+)*")
_MAX_CONTEXT_RUN = 3


@dataclass(frozen=True)
class Token:
    index: int
    start: int
    end: int
    text: str

    @property
    def is_initial(self) -> bool:
        return len(self.text) == 2 and self.text.endswith(".")

    @property
    def is_capitalised(self) -> bool:
        return bool(CAPITALISED.fullmatch(self.text) or ALL_CAPS.fullmatch(self.text))


@dataclass
class Person:
    key: int
    given: frozenset[str] = frozenset()
    initial: str | None = None
    surname: tuple[frozenset[str], ...] = ()
    genders: frozenset[str] = frozenset({"m", "f"})
    surname_endings: frozenset[str] = frozenset()
    surname_seen_at: list[int] = field(default_factory=list)
    seen_at: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    person: int
    score: float
    reason: str


@dataclass(frozen=True)
class Official:
    start: int
    end: int
    role: str


@dataclass
class _Seed:
    first: int  # token indices, inclusive
    last: int
    given: int | None  # index of the given-name token, if any
    initial: int | None
    surname: tuple[int, ...]
    score: float
    reason: str


def tokenize(text: str) -> list[Token]:
    return [Token(i, m.start(), m.end(), m.group()) for i, m in enumerate(_TOKEN.finditer(text))]


def _adjacent(text: str, left: Token, right: Token) -> bool:
    return text[left.end : right.start] == " "


class _Finder:
    def __init__(self, text: str, blocked: Iterable[tuple[int, int]], manual: Iterable[tuple[int, int]]) -> None:
        self.text = text
        self.tokens = tokenize(text)
        blocked_chars = {i for start, end in blocked for i in range(start, end)}
        self.free = [t.start not in blocked_chars for t in self.tokens]
        self.manual = sorted(manual)
        self.lexicon = lexicon()
        self.persons: list[Person] = []
        self.taken: dict[int, int] = {}  # token index -> person key
        self.mentions: list[Mention] = []
        self.officials: list[Official] = []

    # --- pass 1 and 2: seeds and officials ----------------------------------------------------
    def _is_name_word(self, token: Token) -> bool:
        return self.free[token.index] and token.is_capitalised and token.text not in NOT_SURNAMES \
            and token.text.capitalize() not in NOT_SURNAMES

    def _surname_after(self, index: int) -> tuple[int, ...]:
        """Token indices of a surname right after tokens[index] (particles included), or ()."""
        tokens = self.tokens
        out: list[int] = []
        current = index
        while current + 1 < len(tokens) and _adjacent(self.text, tokens[current], tokens[current + 1]):
            nxt = tokens[current + 1]
            if not self._is_name_word(nxt) and nxt.text not in PARTICLES:
                break
            out.append(nxt.index)
            current = nxt.index
            if nxt.text not in PARTICLES:
                break
        return tuple(out) if out and self.tokens[out[-1]].text not in PARTICLES else ()

    def _seeds(self, manual: list[_Seed]) -> list[_Seed]:
        seeds: list[_Seed] = list(manual)
        tokens = self.tokens
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if index in self.taken or not self.free[index] or any(s.first <= index <= s.last for s in manual):
                index += 1
                continue
            seed = None
            if token.is_initial and index + 1 < len(tokens) and self._is_name_word(tokens[index + 1]):
                seed = _Seed(index, index + 1, None, index, (index + 1,), 0.7, "initial and surname")
            elif self._is_name_word(token) and self.lexicon.lookup(token.text):
                surname = self._surname_after(index)
                if surname:
                    seed = _Seed(index, surname[-1], index, None, surname, 0.85, "listed given name and surname")
                else:
                    seed = _Seed(index, index, index, None, (), 0.6, "listed given name")
            elif self._is_name_word(token) and index > 0 and tokens[index - 1].text.lower() in PERSON_CONTEXT \
                    and is_role_gap(self.text[tokens[index - 1].end : token.start]):
                run = [index]
                while len(run) < _MAX_CONTEXT_RUN and run[-1] + 1 < len(tokens) \
                        and _adjacent(self.text, tokens[run[-1]], tokens[run[-1] + 1]) \
                        and (self._is_name_word(tokens[run[-1] + 1]) or tokens[run[-1] + 1].text in PARTICLES):
                    run.append(run[-1] + 1)
                given = run[0] if len(run) > 1 else None
                seed = _Seed(run[0], run[-1], given, None, tuple(run[1:]) if given is not None else tuple(run), 0.7,
                             f"after «{tokens[index - 1].text}»")
            if seed is None:
                index += 1
                continue
            seeds.append(seed)
            index = seed.last + 1
        return sorted(seeds, key=lambda s: s.first)

    def _manual_seeds(self, seeds: list[_Seed]) -> set[int]:
        covered: set[int] = set()
        for start, end in self.manual:
            inside = [t.index for t in self.tokens if t.start >= start and t.end <= end and t.text[0].isupper()]
            if not inside:
                continue
            first, last = inside[0], inside[-1]
            first_token = self.tokens[first]
            if first_token.is_initial:
                seed = _Seed(first, last, None, first, tuple(inside[1:]), 1.0, "added by hand")
            elif len(inside) > 1 or self.lexicon.lookup(first_token.text):
                seed = _Seed(first, last, first, None, tuple(inside[1:]), 1.0, "added by hand")
            else:
                seed = _Seed(first, last, None, None, tuple(inside), 1.0, "added by hand")
            seeds.append(seed)
            covered.update(range(first, last + 1))
        return covered

    def _name_run(self, index: int, protected: set[int]) -> list[int]:
        """Adjacent capitalised words (or initials) from `index`, at most three."""
        tokens = self.tokens
        run: list[int] = []
        current = index
        while current < len(tokens) and len(run) < _MAX_CONTEXT_RUN and current not in protected:
            token = tokens[current]
            if not (token.is_initial or self._is_name_word(token) or token.text in PARTICLES):
                break
            if run and not (_adjacent(self.text, tokens[run[-1]], token) or tokens[run[-1]].is_initial):
                break
            run.append(current)
            current += 1
        return run

    def _mark_officials(self, protected: set[int]) -> None:
        """Names right after a role word, and the rest of their enumeration, are officials in office."""
        tokens = self.tokens
        for index, token in enumerate(tokens[:-1]):
            word = token.text.lower()
            phrase = f"{tokens[index - 1].text.lower()} {word}" if index else word
            if word not in OFFICIAL_ROLES and phrase not in OFFICIAL_PHRASES:
                continue
            if not is_role_gap(self.text[token.end : tokens[index + 1].start]):
                continue
            role = token.text if word in OFFICIAL_ROLES else f"{tokens[index - 1].text} {token.text}"
            nxt = index + 1
            while True:
                run = self._name_run(nxt, protected)
                if not run:
                    break
                self.officials.append(Official(tokens[run[0]].start, tokens[run[-1]].end, role))
                for i in run:
                    self.taken[i] = -1
                nxt = run[-1] + 1
                if nxt < len(tokens) - 1 and tokens[nxt].text == "un":
                    nxt += 1  # "A, B un C": the conjunction is a word token of its own
                if nxt >= len(tokens) or not is_list_gap(self.text[tokens[run[-1]].end : tokens[nxt].start]):
                    break

    # --- pass 3: persons and propagation ---------------------------------------------------------
    def _new_person(self) -> Person:
        person = Person(key=len(self.persons))
        self.persons.append(person)
        return person

    def _surname_candidates(self, token: Token) -> list[Person]:
        forms = stems(token.text)
        out = []
        for person in self.persons:
            if person.surname and forms & person.surname[-1] \
                    and matches(token.text, person.surname[-1], person.surname_endings) \
                    and genders_for(token.text, person.surname[-1]) & person.genders:
                out.append(person)
        return out

    def _given_candidates(self, token: Token) -> list[Person]:
        forms = stems(token.text)
        return [p for p in self.persons if p.given and forms & p.given]

    @staticmethod
    def _most_recent(candidates: list[Person], position: int, surname: bool) -> Person:
        def recency(person: Person) -> tuple[int, int]:
            seen = person.surname_seen_at if surname else person.seen_at
            before = [s for s in seen if s < position]
            return (1, max(before)) if before else (0, -min(seen, default=0))

        return max(candidates, key=recency)

    def _assign_seed(self, seed: _Seed) -> Person:
        tokens = self.tokens
        given = tokens[seed.given] if seed.given is not None else None
        surname = tokens[seed.surname[-1]] if seed.surname else None
        person = None
        if surname is not None:
            candidates = self._surname_candidates(surname)
            if given is not None:
                candidates = [p for p in candidates if not p.given or stems(given.text) & p.given]
                if not candidates:
                    candidates = [p for p in self._given_candidates(given) if not p.surname]
            elif seed.initial is not None:
                initial = tokens[seed.initial].text[0]
                candidates = [p for p in candidates if p.initial in (None, initial)]
            if candidates:
                person = self._most_recent(candidates, surname.start, surname=True)
        elif given is not None:
            candidates = self._given_candidates(given)
            if candidates:
                person = self._most_recent(candidates, given.start, surname=False)
        if person is None:
            person = self._new_person()
        if given is not None and not person.given:
            person.given = stems(given.text)
            person.initial = given.text[0]
            listed = self.lexicon.lookup(given.text)
            person.genders = frozenset(g.gender for g in listed) if listed else nominative_genders(given.text)
        if seed.initial is not None and person.initial is None:
            person.initial = tokens[seed.initial].text[0]
        if surname is not None and not person.surname:
            person.surname = tuple(stems(tokens[i].text) for i in seed.surname)
            if not person.given:
                person.genders = genders_for(surname.text, person.surname[-1]) or person.genders
            person.surname_endings = paradigm(surname.text, person.genders)
        return person

    def _record(self, first: int, last: int, person: Person, score: float, reason: str, has_surname: bool) -> None:
        start, end = self.tokens[first].start, self.tokens[last].end
        person.seen_at.append(start)
        if has_surname:
            person.surname_seen_at.append(start)
        for i in range(first, last + 1):
            self.taken[i] = person.key
        self.mentions.append(Mention(start, end, person.key, score, reason))

    def _propagate(self) -> None:
        tokens = self.tokens
        for token in tokens:
            if token.index in self.taken or not self._is_name_word(token):
                continue
            candidates = self._surname_candidates(token)
            if candidates:
                first = token.index
                initial = tokens[first - 1] if first > 0 and tokens[first - 1].is_initial else None
                if initial is not None and _adjacent(self.text, initial, token) or initial is not None \
                        and self.text[initial.end : token.start] == "":
                    narrowed = [p for p in candidates if p.initial == initial.text[0]]
                    candidates = narrowed or candidates
                person = self._most_recent(candidates, token.start, surname=True)
                first = self._extend_back(first, person)
                self._record(first, token.index, person, 0.65, "another mention of a found surname", True)
                continue
            if self.lexicon.lookup(token.text) or any(stems(token.text) & p.given for p in self.persons):
                candidates = self._given_candidates(token)
                if candidates:
                    person = self._most_recent(candidates, token.start, surname=False)
                    self._record(token.index, token.index, person, 0.6, "another mention of a found given name", False)

    def _extend_back(self, first: int, person: Person) -> int:
        tokens = self.tokens
        # Earlier tokens of a multi-word surname (Al Hasans), then the given name or the initial.
        for stem_set in reversed(person.surname[:-1]):
            prev = first - 1
            if prev >= 0 and prev not in self.taken and stems(tokens[prev].text) & stem_set \
                    and _adjacent(self.text, tokens[prev], tokens[first]):
                first = prev
        prev = first - 1
        if prev >= 0 and prev not in self.taken and (self.text[tokens[prev].end : tokens[first].start] in (" ", "")):
            token = tokens[prev]
            if token.is_initial and token.text[0] == person.initial or \
                    token.is_capitalised and person.given and stems(token.text) & person.given:
                first = prev
        return first

    def run(self) -> None:
        manual_seeds: list[_Seed] = []
        protected = self._manual_seeds(manual_seeds)
        self._mark_officials(protected)
        for seed in self._seeds(manual_seeds):
            person = self._assign_seed(seed)
            self._record(seed.first, seed.last, person, seed.score, seed.reason, bool(seed.surname))
        self._propagate()


def find_persons(text: str, blocked: Iterable[tuple[int, int]] = (),
                 manual: Iterable[tuple[int, int]] = ()) -> tuple[list[Mention], list[Official]]:
    """Person mentions (grouped by `person` key) and officials kept, in text order.

    `blocked` are character ranges never read as names (addresses, quoted names of companies and
    farmsteads); `manual` are spans a reviewer marked as a person: they seed propagation like a found
    name and override an official's role.
    """
    finder = _Finder(text, blocked, manual)
    finder.run()
    return sorted(finder.mentions, key=lambda m: m.start), finder.officials
