"""One exception hierarchy for the documents package; each carries the template or file it is about."""

from __future__ import annotations


class DocumentError(Exception):
    """Something about a document template, a rendering or a seal; the text is a sentence."""

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class TemplateNotFound(DocumentError):
    """No template of that name (or version) in the template folder."""


class TemplateRefused(DocumentError):
    """A template file is too large, malformed or uses what the sandbox forbids."""


class RenderRefused(DocumentError):
    """Rendering a template with case data broke a budget (time, size, pages) or the sandbox."""


class SealError(DocumentError):
    """The seal could not be applied, or a sealed PDF did not verify."""
