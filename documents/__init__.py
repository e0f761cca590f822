"""Decisions generated from case data: templates (untrusted, replaceable by an analyst) rendered
in a bounded Jinja sandbox to DOCX (docxtpl) and A4 PDF (WeasyPrint), and PDFs sealed (PAdES,
pyHanko) and verified.

This package knows nothing of Flask, the web app, the engine or the solvers: it turns a template
and a dict of values into bytes, and seals and checks bytes. `webapp/documents/` stores them,
attaches them to cases and audits them.
"""

from documents.errors import DocumentError, RenderRefused, SealError, TemplateNotFound, TemplateRefused

__all__ = ["DocumentError", "RenderRefused", "SealError", "TemplateNotFound", "TemplateRefused"]
