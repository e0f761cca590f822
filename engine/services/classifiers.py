"""Shared classifiers: read a list as it stood on a date or in a version, and publish a new version.

Institutions and their units are the role data of "Trust I" (engine.models.directory); they are
offered here read-only under the names `institution` and `unit`, so forms and clients read every
code list the same way.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import select

from engine import audit, classifier_forms
from engine.classifier_data import ClassifierData, EntryData, check_name
from engine.deadlines import riga_today
from engine.errors import N_, Conflict, NotFound, Phrase
from engine.models import Classifier, ClassifierEntry, ClassifierVersion, Institution, Unit
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine

DIRECTORY_LISTS = {
    "institution": ("Iestādes", "Institutions"),
    "unit": ("Iestāžu struktūrvienības", "Units of institutions"),
}
DIRECTORY_SOURCE = "Lieta's role data (institutions and units); changed through the directory, not here"


@dataclass(frozen=True)
class Listing:
    """A classifier's description and one version of its entries."""

    name: str
    title_lv: str
    title_en: str
    source: str
    verified: bool
    public: bool
    version: int | None  # None: a read-only list from the directory (not versioned here)
    entries: tuple[EntryData, ...] = ()
    read_only: bool = False

    def on(self, day: date) -> tuple[EntryData, ...]:
        return tuple(entry for entry in self.entries if entry.valid_on(day))


class ClassifierService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def names(self) -> frozenset[str]:
        stored = self.engine.session().scalars(select(Classifier.name))
        return frozenset(stored) | frozenset(DIRECTORY_LISTS)

    def listings(self) -> list[Listing]:
        """Every classifier (without its entries)."""
        rows = self.engine.session().scalars(select(Classifier).order_by(Classifier.name))
        stored = [self._describe(row, row.current_version) for row in rows]
        return sorted(stored + [self._directory(name, with_entries=False) for name in DIRECTORY_LISTS],
                      key=lambda listing: listing.name)

    def describe(self, name: str) -> Listing:
        """A classifier without its entries (to decide who may read it before loading them)."""
        if name in DIRECTORY_LISTS:
            return self._directory(name, with_entries=False)
        row = self._row(name)
        return self._describe(row, row.current_version)

    def listing(self, name: str, version: int | None = None) -> Listing:
        """A classifier with the entries of `version` (default: the current one)."""
        if name in DIRECTORY_LISTS:
            if version not in (None, 1):
                raise NotFound(N_("classifier %(name)r has no version %(version)s"), params={"name": name, "version": version})
            return self._directory(name, with_entries=True)
        row = self._row(name)
        wanted = row.current_version if version is None else version
        stored = self.engine.session().scalar(
            select(ClassifierVersion).where(ClassifierVersion.classifier == name, ClassifierVersion.version == wanted)
        )
        if stored is None:
            raise NotFound(N_("classifier %(name)r has no version %(version)s"), params={"name": name, "version": wanted})
        entries = self.engine.session().scalars(
            select(ClassifierEntry).where(ClassifierEntry.version_id == stored.id).order_by(ClassifierEntry.id)
        )
        return self._describe(row, wanted, tuple(
            EntryData(e.code, e.name_lv, e.name_en, e.valid_from, e.valid_to) for e in entries
        ))

    def codes_on(self, day: date) -> classifier_forms.CodeLookup:
        """The codes of each list valid on `day` (current versions), read once per list asked."""
        cache: dict[str, frozenset[str]] = {}

        def lookup(name: str) -> frozenset[str]:
            if name not in cache:
                try:
                    cache[name] = frozenset(entry.code for entry in self.listing(name).on(day))
                except NotFound:
                    cache[name] = frozenset()
            return cache[name]

        return lookup

    def checking_forms(self) -> AbstractContextManager[None]:
        """Form validation inside this block checks classifier-bound fields against today's codes."""
        return classifier_forms.codes_from(self.codes_on(riga_today(self.engine.clock.now())))

    def with_choices(self, schema: dict | None, language: str) -> dict | None:
        """The shown form with today's codes of each bound field as choices in `language`."""
        if schema is None:
            return None
        day = riga_today(self.engine.clock.now())

        def choices(name: str) -> list[tuple[str, str]]:
            try:
                entries = self.listing(name).on(day)
            except NotFound:
                return []
            return [(entry.code, entry.name_en if language == "en" else entry.name_lv) for entry in entries]

        return classifier_forms.with_choices(schema, choices)

    def form_problems(self, forms: dict[str, str]) -> list[tuple[str, Phrase]]:
        """(form file, problem) for forms naming a classifier that does not exist."""
        return list(classifier_forms.unknown_classifier_problems(forms, self.names()))

    def versions(self, name: str) -> list[ClassifierVersion]:
        self._row(name)
        return list(self.engine.session().scalars(
            select(ClassifierVersion).where(ClassifierVersion.classifier == name).order_by(ClassifierVersion.version)
        ))

    def publish(self, data: ClassifierData, *, actor: str) -> tuple[Listing, bool]:
        """Adds `data` as the classifier's next version (creating the classifier if new); identical
        content publishes nothing. Returns the current listing and whether a version was added."""
        check_name(data.name)
        if data.name in DIRECTORY_LISTS:
            raise Conflict(N_("%(name)r is read from the role data: change institutions and units in the directory"),
                           params={"name": data.name})
        session = self.engine.session()
        row = session.get(Classifier, data.name)
        if row is not None:
            current = self.listing(data.name)
            if current.entries == data.entries and self._metadata(current) == self._metadata(data):
                return current, False
            row.current_version += 1
        else:
            row = Classifier(name=data.name, current_version=1)
            session.add(row)
        row.title_lv, row.title_en, row.source = data.title_lv, data.title_en, data.source
        row.verified, row.public = data.verified, data.public
        version = ClassifierVersion(classifier=data.name, version=row.current_version,
                                    created_at=self.engine.clock.now(), created_by=actor, note="")
        session.add(version)
        with atomic(session, Phrase(N_("classifier %(name)r could not be saved"), name=data.name)):
            session.flush()
            session.add_all(ClassifierEntry(version_id=version.id, code=e.code, name_lv=e.name_lv, name_en=e.name_en,
                                            valid_from=e.valid_from, valid_to=e.valid_to) for e in data.entries)
            audit.record(session, self.engine.clock.now(), actor, "classifier_changed",
                         data={"name": data.name, "version": row.current_version, "entries": len(data.entries),
                               "public": data.public, "verified": data.verified})
        return self._describe(row, row.current_version, data.entries), True

    def _row(self, name: str) -> Classifier:
        row = self.engine.session().get(Classifier, name)
        if row is None:
            raise NotFound(N_("there is no classifier %(name)r"), params={"name": name})
        return row

    @staticmethod
    def _metadata(listing: Listing | ClassifierData) -> tuple:
        return (listing.title_lv, listing.title_en, listing.source, listing.verified, listing.public)

    @staticmethod
    def _describe(row: Classifier, version: int | None, entries: tuple[EntryData, ...] = ()) -> Listing:
        return Listing(row.name, row.title_lv, row.title_en, row.source, row.verified, row.public,
                       version, entries)

    def _directory(self, name: str, *, with_entries: bool) -> Listing:
        title_lv, title_en = DIRECTORY_LISTS[name]
        entries: tuple[EntryData, ...] = ()
        if with_entries:
            model = Institution if name == "institution" else Unit
            rows = self.engine.session().scalars(select(model).order_by(model.code))
            entries = tuple(EntryData(row.code, row.name_lv, row.name_en) for row in rows
                            if getattr(row, "active", True))
        return Listing(name, title_lv, title_en, DIRECTORY_SOURCE, True, True, None, entries, read_only=True)
