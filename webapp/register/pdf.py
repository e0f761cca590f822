"""The register's printed forms, drawn with ReportLab in DejaVu Sans (it has the Latvian letters):
the case's list of evidence (A4) and an item's label with its identifier as a QR code.

The texts come in through `labels` (already in the reader's language), so this module draws and
does not translate.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
LABEL_SIZE = (100 * mm, 50 * mm)
DESCRIPTION_COLUMN = 2  # of the evidence list's columns: drawn in a full-width row of its own


class FontMissing(RuntimeError):
    """The DejaVu fonts are not installed (Debian package fonts-dejavu-core)."""


def _fonts() -> None:
    # ReportLab's font registry is global to the process: check each face, since other code
    # may have registered one of the names without the other.
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        if name in registered:
            continue
        path = FONT_DIR / file
        if not path.is_file():
            raise FontMissing(f"{path} is missing: install the Debian package fonts-dejavu-core")
        pdfmetrics.registerFont(TTFont(name, str(path)))


def _para(value: object, style: ParagraphStyle) -> Paragraph:
    # Paragraph reads a small markup language: the case's own texts are escaped, never markup.
    text = "" if value is None else str(value)
    return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style)


def evidence_list(title: str, subtitle: str, columns: Sequence[str], rows: Sequence[Sequence[object]],
                  chains: Sequence[Sequence[str]], metadata: Mapping[str, str]) -> bytes:
    """One table row per item; its description (the column `description_at`) and then each event of
    its custody chain in rows of their own across the full width, so that no row is ever taller
    than a page (a description may be 2,000 characters, a chain any length)."""
    _fonts()
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title=metadata.get("title", title),
                                 author=metadata.get("author", "Lieta"), subject=metadata.get("subject", ""))
    body = ParagraphStyle("body", fontName=FONT, fontSize=8, leading=10)
    small = ParagraphStyle("small", fontName=FONT, fontSize=7, leading=9, textColor=colors.HexColor("#333333"))
    head = ParagraphStyle("head", fontName=BOLD, fontSize=8, leading=10)
    description_at = DESCRIPTION_COLUMN
    shown = [c for i, c in enumerate(columns) if i != description_at]
    table_rows: list[list] = [[_para(c, head) for c in shown]]
    style: list[tuple] = []

    def full_width(text: str, paragraph_style: ParagraphStyle) -> None:
        table_rows.append([_para(text, paragraph_style)] + [""] * (len(shown) - 1))
        style.append(("SPAN", (0, len(table_rows) - 1), (-1, len(table_rows) - 1)))

    for row, chain in zip(rows, chains, strict=True):
        table_rows.append([_para(v, body) for i, v in enumerate(row) if i != description_at])
        style.append(("BACKGROUND", (0, len(table_rows) - 1), (-1, len(table_rows) - 1), colors.HexColor("#f4f4f4")))
        full_width(f"{columns[description_at]}: {row[description_at]}", body)
        for line in chain:
            full_width(line, small)
    table = Table(table_rows, colWidths=[40 * mm, 36 * mm, 44 * mm, 56 * mm, 56 * mm, 41 * mm][: len(shown)],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *style,
    ]))
    title_style = ParagraphStyle("title", fontName=BOLD, fontSize=14, leading=18)
    document.build([_para(title, title_style), _para(subtitle, body), Spacer(1, 4 * mm), table])
    return out.getvalue()


def label(identifier: str, lines: Sequence[str], metadata: Mapping[str, str]) -> bytes:
    """A 100 × 50 mm label: the identifier as a QR code on the left, the text on the right."""
    _fonts()
    out = io.BytesIO()
    width, height = LABEL_SIZE
    page = canvas.Canvas(out, pagesize=LABEL_SIZE)
    page.setTitle(metadata.get("title", identifier))
    page.setAuthor(metadata.get("author", "Lieta"))
    widget = QrCodeWidget(identifier, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    side = height - 8 * mm
    drawing = Drawing(side, side, transform=[side / (right - left), 0, 0, side / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, page, 4 * mm, 4 * mm)
    x = side + 8 * mm
    page.setFont(BOLD, 10)
    page.drawString(x, height - 9 * mm, identifier)
    page.setFont(FONT, 7)
    y = height - 15 * mm
    for line in lines:
        for part in _wrap(line, FONT, 7, width - x - 3 * mm):
            if y < 3 * mm:
                break
            page.drawString(x, y, part)
            y -= 3.4 * mm
    page.showPage()
    page.save()
    return out.getvalue()


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, current = str(text).split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines
