"""DOCX from a Word template with docxtpl, its Jinja run in the bounded sandbox.

The DOCX was checked as a ZIP when the template was loaded (documents.catalogue). docxtpl fills
the Jinja tags inside Word's XML with our sandboxed environment and XML-escaping on; nothing it
does opens a file or a socket (a linked image in a template stays a link and is never fetched).
"""

from __future__ import annotations

import io
import re

from documents.errors import RenderRefused
from documents.templating import budget, environment

MAX_OUTPUT_BYTES = 20 * 1024 * 1024
DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _document_class():
    from docxtpl import DocxTemplate

    class SafeDocxTemplate(DocxTemplate):
        def build_xml(self, context, jinja_env=None):
            # docxtpl re-parses the filled-in XML with a parser of its own; a DOCTYPE written by the
            # template (`|safe` text) could declare entities there, so none may come out.
            xml = super().build_xml(context, jinja_env)
            if DECLARATION.search(xml):
                raise RenderRefused("a document template may not declare a DOCTYPE or entities")
            return xml

    return SafeDocxTemplate


def render_docx(template: bytes, values: dict, what: str) -> bytes:
    from lxml.etree import XMLSyntaxError

    document = _document_class()(io.BytesIO(template))
    out = io.BytesIO()
    try:
        with budget(what):
            document.render(values, jinja_env=environment(autoescape=True), autoescape=True)
        document.save(out)
    except (XMLSyntaxError, KeyError) as err:
        raise RenderRefused(f"{what} could not be filled in: {err}", template=what) from err
    data = out.getvalue()
    if len(data) > MAX_OUTPUT_BYTES:
        raise RenderRefused(f"{what} is larger than {MAX_OUTPUT_BYTES // 1024 // 1024} MiB once filled in",
                            template=what)
    return data
