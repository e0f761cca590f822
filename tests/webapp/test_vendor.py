"""The vendored front-end files are exactly those refresh.sh recorded, at the pinned versions,
with their licences; and the pages load nothing from anywhere else."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "webapp" / "static" / "vendor"
TEMPLATES = Path(__file__).resolve().parents[2] / "webapp" / "templates"


def recorded() -> list[tuple[str, str]]:
    lines = (VENDOR / "SHA256SUMS").read_text().splitlines()
    return [tuple(line.split(maxsplit=1)) for line in lines if line.strip()]


@pytest.mark.parametrize("digest, name", recorded())
def test_each_vendored_file_matches_its_recorded_sum(digest, name):
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest


def test_every_vendored_file_is_recorded_and_licensed():
    on_disk = {str(p.relative_to(VENDOR)) for p in VENDOR.rglob("*") if p.is_file()}
    tooling = {"SHA256SUMS", "package.json", "refresh.sh", "panel-entry.js", "panel-lock.json"}
    assert on_disk - tooling == {name for _digest, name in recorded()}
    assert {"bpmn-js/LICENSE", "htmx/LICENSE", "bpmn-js-properties-panel/LICENSE",
            "bpmn-js-properties-panel/LICENSE.properties-panel", "bpmn-js-properties-panel/LICENSE.preact",
            "fullcalendar/LICENSE.md"} <= on_disk
    # bpmn.io's licence: the watermark stays visible, so the viewer must be the unmodified dist file.
    assert "bpmn.io" in (VENDOR / "bpmn-js" / "LICENSE").read_text()


def test_versions_are_pinned_exactly_to_the_agreed_lines():
    pins = json.loads((VENDOR / "package.json").read_text())["dependencies"]
    assert re.fullmatch(r"18\.\d+\.\d+", pins["bpmn-js"])
    assert re.fullmatch(r"2\.0\.\d+", pins["htmx.org"])
    assert re.fullmatch(r"5\.\d+\.\d+", pins["bpmn-js-properties-panel"])
    # 7.x: 6.x adds <style> elements at run time, which the pages' CSP refuses (it renders nothing).
    assert re.fullmatch(r"7\.\d+\.\d+", pins["fullcalendar"])
    tools = json.loads((VENDOR / "package.json").read_text())["devDependencies"]
    assert not any(ch in value for value in [*pins.values(), *tools.values()] for ch in "^~*<>")


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_style_and_no_foreign_url(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert "<style" not in text and not re.search(r"\sstyle=", text), "inline style"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    assert not re.search(r"(src|href)=\"(https?:)?//", text), "a URL of another host"
