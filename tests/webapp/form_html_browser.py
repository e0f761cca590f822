"""Reading rendered form fields as a browser does: a real HTML parser (lxml), and the post a
browser would send when a given button is pressed (HTML's "constructing the entry list")."""

from __future__ import annotations

import lxml.html
from markupsafe import Markup
from werkzeug.datastructures import MultiDict


def parse(html: Markup | str):
    return lxml.html.fragment_fromstring(str(html), create_parent="div")


def posted(html: Markup | str, button: tuple[str, str] | None = ("action", "submit")) -> MultiDict:
    """The fields a browser posts for these fields, `button` being the submitter."""
    tree = parse(html)
    entries: list[tuple[str, str]] = []
    for element in tree.iter("input", "select", "textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    entries.append((name, element.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image"):
                # A text input's value cannot hold a line break: browsers strip them.
                entries.append((name, (element.get("value") or "").replace("\n", "").replace("\r", "")))
        elif element.tag == "select":
            options = element.findall(".//option")
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            entries.extend((name, o.get("value", o.text_content())) for o in chosen)
        else:
            text = element.text or ""
            entries.append((name, text[1:] if text.startswith("\n") else text))
    if button is not None:
        entries.append(button)
    return MultiDict(entries)


def buttons(html: Markup | str) -> list[tuple[str, str]]:
    return [(b.get("name"), b.get("value")) for b in parse(html).iter("button")]
