"""A4 PDF from an HTML template with WeasyPrint, reaching nothing outside the bundle.

The template is filled in the sandbox (documents.templating); WeasyPrint then lays it out with
the bundled stylesheet. Every resource WeasyPrint asks for (stylesheet, image, font, attachment)
goes through `BundleFetcher`: only `lieta-asset:<name>` of the bundled DejaVu fonts answers; any
other URL (`file://`, `http://`, `data:`) stops the rendering with a sentence naming it, so a
replaced template can neither read the host's files nor call out, and a decision never comes
out silently missing a part. The page count is bounded before the PDF is written.
"""

from __future__ import annotations

import logging
from pathlib import Path

from documents.errors import RenderRefused
from documents.templating import render_text

ASSETS = Path(__file__).parent / "assets"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf")
ASSET_SCHEME = "lieta-asset:"
MAX_PAGES = 60

# WeasyPrint warns about every CSS property it skips; a template's quirks are not the server's news.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundleFetcher(URLFetcher):
        def __init__(self) -> None:
            super().__init__(fail_on_errors=True)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            name = url[len(ASSET_SCHEME):] if url.startswith(ASSET_SCHEME) else None
            if name in FONTS and (FONT_DIR / name).is_file():
                return URLFetcherResponse(url, (FONT_DIR / name).read_bytes(), {"Content-Type": "font/ttf"})
            self.refused.append(url[:200])
            raise ValueError(f"a document template may not load {url[:200]!r}")

    return BundleFetcher()


def render_pdf(html_source: str, values: dict, what: str) -> bytes:
    """The PDF (A4) of the HTML template `html_source` filled with `values`."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import FatalURLFetchingError

    html = render_text(html_source, values, what)
    fetcher = _fetcher()
    try:
        stylesheet = CSS(string=(ASSETS / "base.css").read_text(encoding="utf-8"), url_fetcher=fetcher)
        document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(stylesheets=[stylesheet])
        if len(document.pages) > MAX_PAGES:
            raise RenderRefused(f"{what} fills {len(document.pages)} pages; a decision may have at most {MAX_PAGES}",
                                template=what)
        pdf = document.write_pdf()
    except FatalURLFetchingError as err:
        refused = fetcher.refused[0] if fetcher.refused else str(err)
        raise RenderRefused(
            f"{what} asks for {refused!r}; a document template may use only the bundled fonts, "
            "no files, images or addresses of its own", template=what,
        ) from err
    if fetcher.refused:  # a fetch WeasyPrint swallowed (it must not happen, but never print a partial decision)
        raise RenderRefused(f"{what} asks for {fetcher.refused[0]!r}, which is not allowed", template=what)
    return pdf
