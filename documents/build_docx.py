"""Builds each bundled template's `document.docx` from its `document.txt` (run:
`python -m documents.build_docx`). The .docx files are committed: they are the templates; the
.txt sources keep them reviewable in a diff. An analyst may instead edit a .docx in Word.

Source lines: `^ text` the institution (centred, bold), `# text` the title (a heading), a line
starting with `{%p` a docxtpl paragraph tag (a loop over paragraphs), anything else a paragraph.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from documents.catalogue import BUNDLED

FONT = "DejaVu Serif"


def build(source: str) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(11)
    section = document.sections[0]
    section.page_width, section.page_height = Pt(595.3), Pt(841.9)  # A4
    for line in source.splitlines():
        if not line.strip():
            continue
        if line.startswith("^ "):
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(line[2:]).bold = True
        elif line.startswith("# "):
            heading = document.add_heading(line[2:], level=1)
            heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            document.add_paragraph(line)
    document.core_properties.author = "Lieta"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def main(folder: Path = BUNDLED) -> int:
    for source in sorted(folder.glob("*/document.txt")):
        target = source.with_suffix(".docx")
        target.write_bytes(build(source.read_text(encoding="utf-8")))
        print(f"built {target.relative_to(folder)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else BUNDLED))
