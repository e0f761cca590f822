"""What the resource services share: the court territories, Riga dates, the clock, checks."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

from flask import g

from engine.errors import N_, InvalidInput, PermissionDenied, Phrase, field_error
from engine.models import User
from webapp.engine_ext import get_engine

RIGA = ZoneInfo("Europe/Riga")

# The five court territories (district courts) of the domain brief, with the km coordinates of
# each court's seat relative to Rīga (x east, y north): the default place a request is made from.
# The keys are the court_territory classifier's codes (its names are there, in both languages).
TERRITORIES: dict[str, tuple[float, float]] = {
    "riga": (0.0, 0.0),
    "kurzeme": (-188.0, -49.0),  # Liepāja
    "zemgale": (-23.0, -33.0),  # Jelgava
    "vidzeme": (81.0, 65.0),  # Valmiera
    "latgale": (149.0, -120.0),  # Daugavpils
}
LANGUAGES = ("lv", "ru", "en")


def slug(text: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


_BY_SLUG = {slug(name): name for name in TERRITORIES}
TERRITORY_LIST = "court_territory"
LANGUAGE_LIST = "language"


def classifier_codes(name: str) -> frozenset[str]:
    """The codes of a shared classifier valid today (Riga), read once per request and list."""
    engine = get_engine()
    day = riga_date(engine.clock.now())
    cache = g.setdefault("lieta_resource_codes", {})
    if (name, day) not in cache:
        cache[(name, day)] = engine.classifiers.codes_on(day)(name)
    return cache[(name, day)]


def territory_name(value, field: str = "territory") -> str:
    """The court_territory classifier's code a person or a process means: `riga`, `Rīga` and
    `RIGA` all name the territory coded `riga`; a territory the list does not hold today is refused
    (422 naming the field)."""
    codes = classifier_codes(TERRITORY_LIST)
    by_slug = {slug(code): code for code in codes}
    name = by_slug.get(slug(value)) if isinstance(value, str) else None
    if name is None:
        raise InvalidInput(
            N_("%(field)s: unknown court territory %(value)r (known: %(known)s)"),
            [field_error(f"/{field}", N_("unknown court territory %(value)r"), value=value)],
            params={"field": field, "value": value, "known": ", ".join(sorted(codes, key=_territory_order))},
        )
    return name


def territory_label(code: str, language: str = "lv") -> str:
    """A territory as a person reads it (the classifier's name today, `Rīga` for `riga`); a code
    the list no longer holds reads as itself."""
    engine = get_engine()
    day = riga_date(engine.clock.now())
    cache = g.setdefault("lieta_territory_labels", {})
    if (language, day) not in cache:
        entries = engine.classifiers.listing(TERRITORY_LIST).on(day)
        cache[(language, day)] = {e.code: (e.name_en if language == "en" else e.name_lv) for e in entries}
    return cache[(language, day)].get(code, code)


def _territory_order(code: str) -> tuple[int, str]:
    """The five territories in the domain brief's order, any added later after them."""
    order = list(TERRITORIES)
    return (order.index(code) if code in order else len(order), code)


def stored_territory(value: str) -> str:
    """A territory as recorded earlier, in today's spelling (never refused: a record keeps meaning
    what it meant; `Rīga`, the code until 2026-12-01, is `riga`)."""
    return _BY_SLUG.get(slug(value), value) if isinstance(value, str) else str(value)


def language_code(value, field: str = "language") -> str:
    """An ISO 639-1 code of the language classifier valid today (`LV ` is `lv`); else 422 naming the field."""
    code = value.strip().lower() if isinstance(value, str) else None
    if code is None or code not in classifier_codes(LANGUAGE_LIST):
        raise InvalidInput(
            N_("%(field)s: unknown language %(value)r (a code of the language list, ISO 639-1, such as lv)"),
            [field_error(f"/{field}", N_("unknown language %(value)r"), value=value)],
            params={"field": field, "value": value},
        )
    return code


def riga_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(RIGA).date()


def riga_moment(day: dt.date, clock_time: str) -> dt.datetime:
    hours, minutes = (int(part) for part in clock_time.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=RIGA).astimezone(dt.UTC)


def require_role(user: User, *roles: str, action: str) -> None:
    if not (user.is_admin or any(role in user.roles for role in roles)):
        needed = ", ".join(("admin", *roles))
        raise PermissionDenied(N_("only %(needed)s may %(action)s"), params={"needed": needed, "action": Phrase(action)})


def parse_month(text: str) -> tuple[dt.date, int]:
    """`2027-01` → (first day, number of days); InvalidInput otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2999:
        raise InvalidInput(
            N_("the month must be written YYYY-MM, e.g. 2027-01 (got %(text)r)"),
            [field_error("/month", N_("expected YYYY-MM"))],
            params={"text": text},
        )
    first = dt.date(int(match.group(1)), int(match.group(2)), 1)
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, (following - first).days
