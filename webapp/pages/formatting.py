"""Dates, times and numbers in the reader's locale (Latvian: 04.01.2027., English: Jan 4, 2027),
shown in the institution's time zone, and task instructions rendered from their Markdown."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import dates, numbers
from flask import Flask
from flask_babel import get_locale
from markdown_it import MarkdownIt
from markupsafe import Markup

# Instructions come from a deployed model (untrusted): raw HTML in them is shown as text, and
# links may only be plain web or mail links.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


# Latvian institutions work on Riga time; the API speaks UTC, the pages what a clock on the wall shows.
ZONE = ZoneInfo("Europe/Riga")


def date(value: datetime | None) -> str:
    return dates.format_date(value.astimezone(ZONE), "medium", locale=get_locale()) if value else ""


def datetime_(value: datetime | None) -> str:
    return dates.format_datetime(value, "short", tzinfo=ZONE, locale=get_locale()) if value else ""


def iso(value: datetime | None) -> str:
    return value.astimezone(ZONE).isoformat() if value else ""


def number(value) -> str:
    return numbers.format_decimal(value, locale=get_locale()) if value is not None else ""


def markdown(text: str | None) -> Markup:
    return Markup(_markdown.render(text or ""))  # noqa: S704 - markdown-it escapes all raw HTML (html=False)


def combine_page(args: dict, page: int) -> dict:
    """The inbox's query with another page number (the pager's links keep every filter)."""
    return {**args, "page": page}


def init_app(app: Flask) -> None:
    from webapp.i18n import request_language

    app.jinja_env.globals["request_language"] = request_language
    static = Path(app.static_folder or "")
    # The form renderer's stylesheet (webapp/static/form_html.css), linked once it exists.
    app.jinja_env.globals["form_css"] = "form_html.css" if (static / "form_html.css").is_file() else None
    app.jinja_env.filters.update(date=date, datetime=datetime_, iso=iso, number=number, markdown=markdown,
                              combine_page=combine_page)
