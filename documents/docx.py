"""DOCX from a Word template with docxtpl, its Jinja run in the bounded sandbox.

The DOCX was checked as a ZIP when the template was loaded (documents.catalogue). docxtpl fills
the Jinja tags inside Word's XML with our sandboxed environment and XML-escaping on; nothing it
does opens a file or a socket (a linked image in a template stays a link and is never fetched).
"""

from __future__ import annotations

import io

from documents.errors import RenderRefused
from documents.templating import budget, environment

MAX_OUTPUT_BYTES = 20 * 1024 * 1024


def render_docx(template: bytes, values: dict, what: str) -> bytes:
    from docxtpl import DocxTemplate
    from lxml.etree import XMLSyntaxError

    document = DocxTemplate(io.BytesIO(template))
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
