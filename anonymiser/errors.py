"""The anonymiser's exceptions: one hierarchy, each carrying what a person needs to fix the input."""

from __future__ import annotations


class AnonymiserError(Exception):
    """Base of every error the anonymiser raises."""


class SpanError(AnonymiserError):
    """A span added by hand does not fit the text (outside it, empty, or an unknown kind)."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(f"{message} (characters {start}–{end})")
        self.start = start
        self.end = end
