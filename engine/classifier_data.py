"""A classifier as plain data: checked when it arrives (API body, JSON or CSV file), written out for
export. Problems are field errors, all of them at once, so a person fixes a file in one go."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from engine.errors import N_, InvalidInput, field_error

NAME = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
CODE = re.compile(r"^[\w.:/\-]{1,60}$")
CSV_COLUMNS = ("code", "name_lv", "name_en", "valid_from", "valid_to")
MAX_ENTRIES = 20_000


@dataclass(frozen=True)
class EntryData:
    code: str
    name_lv: str
    name_en: str
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)

    def as_dict(self) -> dict:
        return {"code": self.code, "name_lv": self.name_lv, "name_en": self.name_en,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_to": self.valid_to.isoformat() if self.valid_to else None}


@dataclass(frozen=True)
class ClassifierData:
    name: str
    title_lv: str
    title_en: str
    source: str
    verified: bool = False
    public: bool = True
    entries: tuple[EntryData, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {"name": self.name, "title_lv": self.title_lv, "title_en": self.title_en, "source": self.source,
                "verified": self.verified, "public": self.public, "entries": [e.as_dict() for e in self.entries]}


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise InvalidInput(
            N_("a classifier name is 2–60 lower-case letters, digits or '_', starting with a letter"),
            [field_error("/name", N_("invalid classifier name"))],
        )
    return name


def _text(raw: dict, key: str, where: str, errors: list, limit: int) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.append(field_error(f"{where}/{key}", N_("required: a non-empty text")))
        return ""
    if len(value) > limit:
        errors.append(field_error(f"{where}/{key}", N_("at most %(max)s characters"), max=limit))
    return value.strip()


def _day(raw: dict, key: str, where: str, errors: list) -> date | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        errors.append(field_error(f"{where}/{key}", N_("write the date as YYYY-MM-DD")))
        return None


def parse_entries(rows: list, errors: list, where: str = "/entries") -> tuple[EntryData, ...]:
    if not isinstance(rows, list):
        errors.append(field_error(where, N_("a list of entries is expected")))
        return ()
    if len(rows) > MAX_ENTRIES:
        errors.append(field_error(where, N_("at most %(max)s entries"), max=MAX_ENTRIES))
        return ()
    entries: list[EntryData] = []
    for index, raw in enumerate(rows):
        at = f"{where}/{index}"
        if not isinstance(raw, dict):
            errors.append(field_error(at, N_("an entry is an object with code, name_lv and name_en")))
            continue
        code = raw.get("code")
        if not isinstance(code, str) or not CODE.match(code):
            errors.append(field_error(f"{at}/code", N_("a code is 1–60 letters, digits or . : / - _")))
            continue
        entry = EntryData(code, _text(raw, "name_lv", at, errors, 500), _text(raw, "name_en", at, errors, 500),
                          _day(raw, "valid_from", at, errors), _day(raw, "valid_to", at, errors))
        if entry.valid_from and entry.valid_to and entry.valid_to <= entry.valid_from:
            errors.append(field_error(f"{at}/valid_to", N_("the end of validity must come after its start")))
        for earlier in entries:
            if earlier.code == entry.code and _overlap(earlier, entry):
                errors.append(field_error(f"{at}/code", N_("the code %(code)r is already valid in this period"), code=code))
                break
        entries.append(entry)
    return tuple(entries)


def _overlap(a: EntryData, b: EntryData) -> bool:
    a_start, b_start = a.valid_from or date.min, b.valid_from or date.min
    a_end, b_end = a.valid_to or date.max, b.valid_to or date.max
    return a_start < b_end and b_start < a_end


def parse_classifier(raw: object, name: str | None = None) -> ClassifierData:
    """A whole list (metadata and entries) from a JSON document or API body; `name` from the URL
    wins over the body's."""
    if not isinstance(raw, dict):
        raise InvalidInput(N_("a classifier is a JSON object"), [field_error("", N_("a JSON object is expected"))])
    errors: list[dict] = []
    listing = ClassifierData(
        name=check_name(name if name is not None else raw.get("name")),
        title_lv=_text(raw, "title_lv", "", errors, 200), title_en=_text(raw, "title_en", "", errors, 200),
        source=_text(raw, "source", "", errors, 1000),
        verified=raw.get("verified", False) is True, public=raw.get("public", True) is not False,
        entries=parse_entries(raw.get("entries"), errors),
    )
    if errors:
        raise InvalidInput(N_("the classifier has problems"), errors)
    return listing


def rows_from_csv(text: str) -> list[dict]:
    """Entries from CSV text with the header code,name_lv,name_en[,valid_from,valid_to]."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [column for column in CSV_COLUMNS[:3] if column not in header]
    if missing:
        raise InvalidInput(
            N_("the CSV header lacks %(columns)s (expected: %(expected)s)"),
            [field_error("/header", N_("missing column %(column)r"), column=column) for column in missing],
            params={"columns": ", ".join(missing), "expected": ",".join(CSV_COLUMNS)},
        )
    return [{key: value for key, value in row.items() if key in CSV_COLUMNS} for row in reader]


def entries_to_csv(entries: tuple[EntryData, ...] | list[EntryData]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = entry.as_dict()
        writer.writerow([row["code"], row["name_lv"], row["name_en"], row["valid_from"] or "", row["valid_to"] or ""])
    return out.getvalue()
