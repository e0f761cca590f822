"""Regular expressions from deployed forms: refused when they can backtrack catastrophically,
and matched under a time budget whatever passed.

Both walls, because neither is enough alone:

- **At deployment, a static check** refuses the shapes that make a backtracking matcher take
  exponential (or high-degree polynomial) time, so the analyst hears about it with the form and
  the JSON Pointer of the pattern, before any case depends on it. Inside a part repeated more than
  once (`(...)+`, `(...)*`, `(...){20}`) it refuses a part that can match the empty string, an
  alternation whose branches can start with the same character (`^(a|a)+$`), and a repetition of
  variable length (`a+`, `\\w+`, `a?`, `.*`) that can be followed, inside the repeated part or by
  its next round, by a character the repetition itself can match (`(a+)+b`, `(x+x+)+y`,
  `^(\\w+\\s?)*$`, `(.*a){20}`). Unambiguous repetitions such as `^(\\d+,)*\\d+$` or
  `(\\d{1,3}\\.){3}` pass. The check is conservative (an atomic `(?>a+)+` is refused too) and it is
  not complete: no static check catches every slow pattern (`.*.*.*x` is polynomial, not
  exponential, and is not refused).
- **At validation, the `regex` package's timeout.** jsonschema evaluates `pattern`,
  `patternProperties` and the property-name matching behind `additionalProperties` with Python's
  `re`, which cannot be interrupted and holds the GIL. Our form validator replaces those keywords
  with `regex` matches sharing one time budget per validation (`FORM_REGEX_BUDGET_SECONDS`), so
  whatever passed deployment costs at most that budget on any input (`regex` counts its timeout
  in the thread's CPU time; on a loaded machine the wall-clock time is longer, the server's cost
  is not); a value that cannot be
  checked in time is refused like any invalid value (a 422, never a 500 and never a stuck
  worker). Formats (`format: regex`, `email`, ...) are not asserted by our validator, so no other
  `re` call runs on user input.

DMN cells are Python, not regular expressions; the regex SpiffWorkflow applies to input cells
(the `?` rewrite) is bounded by the cell size and `?` count limits in `engine.lint`.
"""

from __future__ import annotations

import re
import re._constants as sre  # the parser's node names; the module is private but stable
import re._parser as sre_parse
import time
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache

import regex

MAX_PATTERN_CHARS = 1000
MAX_QUANTIFIER_NESTING = 4
MAX_QUANTIFIERS = 100
MAX_GROUP_NESTING = 32
MAX_REPEAT_PRODUCT = 10_000
FORM_REGEX_BUDGET_SECONDS = 0.25

# Characters used to decide whether two pieces of a pattern can match the same character: all of
# Latin-1, Latin Extended-A/B (Latvian letters) and basic Cyrillic. Pieces that overlap only
# outside this sample (rare scripts) are not seen as overlapping: the time budget still holds.
# A set of characters is an int with one bit per character of this sample.
_ALPHABET = "".join(chr(c) for c in (*range(0x0, 0x250), *range(0x400, 0x460), 0x2028, 0x3000))
_EVERYTHING = (1 << len(_ALPHABET)) - 1
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_CATEGORIES = {
    sre.CATEGORY_DIGIT: str.isdecimal,
    sre.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
    sre.CATEGORY_SPACE: lambda ch: bool(re.match(r"\s", ch)),
    sre.CATEGORY_NOT_SPACE: lambda ch: not re.match(r"\s", ch),
    sre.CATEGORY_WORD: lambda ch: bool(re.match(r"\w", ch)),
    sre.CATEGORY_NOT_WORD: lambda ch: not re.match(r"\w", ch),
}


def pattern_problems(pattern: str) -> list[str]:
    """Why `pattern` is unsafe or unusable (empty when it may be deployed)."""
    parsed, problem = _parse_within_limits(pattern)
    if problem:
        return [problem]
    analysis = _Analysis(bool(parsed.state.flags & re.IGNORECASE))
    analysis.walk(list(parsed.data))
    return list(dict.fromkeys(analysis.problems))


@lru_cache(maxsize=1024)
def _usable(pattern: str) -> str | None:
    """The reason `pattern` must not be compiled at all, or None (cached: forms repeat theirs)."""
    return _parse_within_limits(pattern)[1]


def _parse_within_limits(pattern: str):
    """Parse with `re`'s parser (linear, no compilation) and check the limits that keep the
    `regex` compiler itself cheap: it takes exponential memory in the nesting of quantifiers
    (`((((a)+)+)+)+...` exhausts memory at depth 20) and unrolls counted repeats."""
    if len(pattern) > MAX_PATTERN_CHARS:
        return None, f"the pattern is longer than {MAX_PATTERN_CHARS} characters"
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as err:
        return None, f"not a usable regular expression: {err}"
    count = 0
    stack = [(list(parsed.data), 0, 1, 0)]
    while stack:
        seq, depth, product, nesting = stack.pop()
        if nesting > MAX_GROUP_NESTING:
            return None, f"groups are nested more than {MAX_GROUP_NESTING} deep"
        for op, av in seq:
            if op in _REPEATS:
                count += 1
                low, high, body = av
                bound = max(low, high if high != sre.MAXREPEAT else 1, 1)
                if depth + 1 > MAX_QUANTIFIER_NESTING:
                    return None, f"quantifiers are nested more than {MAX_QUANTIFIER_NESTING} deep"
                if product * bound > MAX_REPEAT_PRODUCT:
                    return None, f"counted repetitions multiply to more than {MAX_REPEAT_PRODUCT}"
                stack.append((list(body), depth + 1, product * bound, nesting + 1))
            else:
                stack.extend((sub, depth, product, nesting + 1) for sub in _children(op, av))
    if count > MAX_QUANTIFIERS:
        return None, f"the pattern has more than {MAX_QUANTIFIERS} quantifiers"
    try:
        regex.compile(pattern)
    except (regex.error, RecursionError, OverflowError, MemoryError) as err:
        return None, f"not a usable regular expression: {err}"
    return parsed, None


class _Analysis:
    def __init__(self, ignore_case: bool) -> None:
        self.ignore_case = ignore_case
        self.problems: list[str] = []
        self._node_first: dict[int, tuple[int, bool]] = {}
        self._atoms: dict[tuple, int] = {}

    # --- what a piece can start with ----------------------------------------------------------

    def first(self, seq: list) -> tuple[int, bool]:
        """Characters (a bit set) a sequence can start with, and whether it can match nothing."""
        chars = 0
        for node in seq:
            node_chars, nullable = self.node_first(node)
            chars |= node_chars
            if not nullable:
                return chars, False
        return chars, True

    def suffixes(self, seq: list) -> list[tuple[int, bool]]:
        """`first(seq[i:])` for every i, in one backward pass."""
        result = [(0, True)] * (len(seq) + 1)
        for index in range(len(seq) - 1, -1, -1):
            node_chars, nullable = self.node_first(seq[index])
            rest_chars, rest_nullable = result[index + 1]
            result[index] = (node_chars | rest_chars, rest_nullable) if nullable else (node_chars, False)
        return result

    def node_first(self, node) -> tuple[int, bool]:
        key = id(node)
        if key not in self._node_first:
            self._node_first[key] = self._compute_first(*node)
        return self._node_first[key]

    def _compute_first(self, op, av) -> tuple[int, bool]:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            return 0, True
        if op in (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN):
            return self.chars_of(op, av), False
        if op is sre.SUBPATTERN:
            return self.first(list(av[3]))
        if op is sre.ATOMIC_GROUP:
            return self.first(list(av))
        if op is sre.BRANCH:
            firsts = [self.first(list(branch)) for branch in av[1]]
            chars = 0
            for branch_chars, _ in firsts:
                chars |= branch_chars
            return chars, any(n for _, n in firsts)
        if op in _REPEATS:
            chars, nullable = self.first(list(av[2]))
            return chars, nullable or av[0] == 0
        return _EVERYTHING, True  # back-references and conditionals: anything, possibly nothing

    def chars_of(self, op, av) -> int:
        key = (op, repr(av))
        if key not in self._atoms:
            bits = 0
            for index, ch in enumerate(_ALPHABET):
                if self._matches_any_case(op, av, ch):
                    bits |= 1 << index
            self._atoms[key] = bits
        return self._atoms[key]

    def _matches_any_case(self, op, av, ch: str) -> bool:
        if self.ignore_case:
            variants = {c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1}
            return any(_matches(op, av, c) for c in variants)
        return _matches(op, av, ch)

    # --- the walk ----------------------------------------------------------------------------

    def walk(self, seq: list) -> None:
        """Find parts repeated more than once and check each one's body."""
        for op, av in seq:
            if op in _REPEATS:
                low, high, body = av
                body = list(body)
                if high > 1:
                    body_first, nullable = self.first(body)
                    if nullable:
                        self.problems.append(
                            "a part repeated by a quantifier can match the empty string, so the matcher "
                            "can repeat it in countless ways"
                        )
                    self.scan(body, body_first)
                self.walk(body)
            for sub in _children(op, av):
                self.walk(sub)

    def scan(self, seq: list, follow: int) -> None:
        """Inside a repeated body: `follow` is what may come after `seq` (at least the next round)."""
        suffixes = self.suffixes(seq)
        for index, (op, av) in enumerate(seq):
            rest_first, rest_nullable = suffixes[index + 1]
            after = rest_first | follow if rest_nullable else rest_first
            if op in _REPEATS:
                low, high, body = av
                body = list(body)
                body_first, _ = self.first(body)
                if low != high and body_first & after:
                    sample = _sample(body_first & after)
                    self.problems.append(
                        "nested quantifiers: inside a repeated part, a repetition can be followed by "
                        f"a character it matches itself (e.g. {sample!r}), so the matcher tries "
                        "exponentially many ways to split the input"
                    )
                self.scan(body, body_first | after if high > 1 else after)
            elif op is sre.BRANCH:
                self.check_branches([list(b) for b in av[1]])
                for branch in av[1]:
                    self.scan(list(branch), after)
            elif op is sre.SUBPATTERN:
                self.scan(list(av[3]), after)
            elif op is sre.ATOMIC_GROUP:
                self.scan(list(av), after)

    def check_branches(self, branches: list[list]) -> None:
        firsts = [self.first(branch) for branch in branches]
        if sum(1 for _, nullable in firsts if nullable) > 1:
            self.problems.append(
                "inside a repeated part, two alternatives can both match the empty string or the "
                "same text (as in `(a|a)+`), so the matcher tries exponentially many combinations"
            )
            return
        seen = 0
        for chars, _ in firsts:
            if chars & seen:
                self.problems.append(
                    "inside a repeated part, two alternatives can start with the same character "
                    f"({_sample(chars & seen)!r}), so the matcher tries exponentially many combinations"
                )
                return
            seen |= chars


def _sample(bits: int) -> str:
    return _ALPHABET[(bits & -bits).bit_length() - 1]


def _children(op, av) -> Iterator[list]:
    if op is sre.SUBPATTERN:
        yield list(av[3])
    elif op is sre.ATOMIC_GROUP:
        yield list(av)
    elif op is sre.BRANCH:
        yield from (list(b) for b in av[1])
    elif op in (sre.ASSERT, sre.ASSERT_NOT):
        yield list(av[1])
    elif op is sre.GROUPREF_EXISTS:
        yield from (list(b) for b in av[1:] if b is not None)


def _matches(op, av, ch: str) -> bool:
    code = ord(ch)
    if op is sre.LITERAL:
        return code == av
    if op is sre.NOT_LITERAL:
        return code != av
    if op is sre.ANY:
        return True
    if op is sre.RANGE:
        return av[0] <= code <= av[1]
    if op is sre.CATEGORY:
        test = _CATEGORIES.get(av)
        return test(ch) if test else True
    if op is sre.IN:
        negate = bool(av) and av[0][0] is sre.NEGATE
        items = av[1:] if negate else av
        hit = any(_matches(item_op, item_av, ch) for item_op, item_av in items)
        return hit != negate
    return True  # an item we do not model: assume it can match


# --- matching under a budget -------------------------------------------------------------------

# What is left of one validation's budget, in seconds spent matching: only the time inside the
# regex engine counts, so a busy server (threads waiting for the GIL, jsonschema's own work
# between patterns) never refuses a valid value for want of time.
_remaining: ContextVar[list[float] | None] = ContextVar("form_regex_remaining", default=None)


class PatternNotChecked(Exception):
    """A value could not be checked against a pattern; `str()` says why, for the person."""


class PatternTimeout(PatternNotChecked):
    def __init__(self) -> None:
        super().__init__("the value could not be checked against the form's pattern in time")


class PatternUnusable(PatternNotChecked):
    def __init__(self, reason: str) -> None:
        super().__init__(f"the form's pattern cannot be used ({reason}): ask a process analyst")
        self.reason = reason


class budget:
    """`with budget(seconds):` — every `search` inside shares one budget of matching time."""

    def __init__(self, seconds: float = FORM_REGEX_BUDGET_SECONDS) -> None:
        self.seconds = seconds

    def __enter__(self) -> None:
        self._token = _remaining.set([self.seconds])

    def __exit__(self, *exc: object) -> None:
        _remaining.reset(self._token)


def search(pattern: str, text: str) -> bool:
    """`re.search` semantics, with the `regex` engine interrupted at the current deadline.

    A pattern beyond the compile limits (stored before they existed) is never compiled."""
    reason = _usable(pattern)
    if reason:
        raise PatternUnusable(reason)
    shared = _remaining.get()
    remaining = FORM_REGEX_BUDGET_SECONDS if shared is None else shared[0]
    if remaining <= 0:
        raise PatternTimeout()
    started = time.perf_counter()
    try:
        return regex.search(pattern, text, timeout=remaining) is not None
    except TimeoutError as err:
        raise PatternTimeout() from err
    finally:
        if shared is not None:
            shared[0] -= time.perf_counter() - started
