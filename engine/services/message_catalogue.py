"""The message catalogue: who may throw and catch each message, and its payload schema.

Changes are admin-only and audited; each change raises the entry's version, and an identical
`put` changes nothing. Deployment asks `problems` about a bundle's message elements; routing asks
`entry` about each message it sends or delivers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from engine import audit
from engine.bundle import ParsedBundle
from engine.errors import N_, InvalidInput, NotFound, PermissionDenied
from engine.message_catalogue import CATCHES, THROWS, Entry, Use, parse_entry, uses
from engine.models import MessageCatalogueEntry, User
from engine.problems import Problem
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


class CatalogueService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def list(self) -> list[MessageCatalogueEntry]:
        return list(self.engine.session().scalars(select(MessageCatalogueEntry).order_by(MessageCatalogueEntry.name)))

    def entry(self, name: str) -> MessageCatalogueEntry | None:
        return self.engine.session().get(MessageCatalogueEntry, name)

    def get(self, name: str) -> MessageCatalogueEntry:
        row = self.entry(name)
        if row is None:
            raise NotFound(N_("message %(name)r is not in the catalogue"), params={"name": name})
        return row

    def put(self, actor: User, name: str, body: Any) -> tuple[MessageCatalogueEntry, bool]:
        """Create or change one entry; returns it and whether it is new."""
        return self.load(actor, {name: body})[0]

    def load(self, actor: User, entries: Any) -> list[tuple[MessageCatalogueEntry, bool]]:
        """Create or change several entries in one transaction (the bundle's `messages.json`):
        all of them are checked first, and none is stored if one is invalid."""
        if not actor.is_admin:
            raise PermissionDenied(N_("only an admin may change the message catalogue"))
        if not isinstance(entries, dict):
            raise InvalidInput(N_("a catalogue file is a JSON object of entries by message name"))
        parsed: dict[str, Entry] = {}
        errors: list[dict] = []
        for name, body in entries.items():
            try:
                parsed[name] = parse_entry(name, body)
            except InvalidInput as err:
                prefix = f"/{name}" if len(entries) > 1 else ""  # a file names the entry too
                errors += [{**e, "field": prefix + e["field"]} for e in err.errors or []]
        if errors:
            raise InvalidInput(N_("the catalogue entry is invalid") if len(entries) == 1 else N_("the catalogue is invalid"), errors)
        session = self.engine.session()
        now = self.engine.clock.now()
        results = []
        with atomic(session, N_("the message catalogue could not be changed")):
            for name, entry in parsed.items():
                row = session.get(MessageCatalogueEntry, name, populate_existing=True)
                values = {"senders": entry.senders, "receivers": entry.receivers, "payload_schema": entry.payload_schema}
                created = row is None
                if row is not None and all(getattr(row, key) == value for key, value in values.items()):
                    results.append((row, False))
                    continue
                if created:
                    row = MessageCatalogueEntry(name=name, version=1, updated_at=now, updated_by=actor.username, **values)
                    session.add(row)
                else:
                    before = {key: getattr(row, key) for key in values}
                    for key, value in values.items():
                        setattr(row, key, value)
                    row.version += 1
                    row.updated_at, row.updated_by = now, actor.username
                audit.record(
                    session, now, actor.username, "message_catalogue_changed",
                    data={"name": name, "version": row.version, "created": created, **values,
                          **({} if created else {"before": before})},
                )
                results.append((row, created))
        return results

    def problems(self, bundle: ParsedBundle) -> list[Problem]:
        """A deployment's message elements that the catalogue does not allow for their process."""
        found: list[Problem] = []
        for process in bundle.processes:
            for use in uses(process.spec, process.subprocess_specs):
                problem = self._problem(process.process_id, use)
                if problem is not None:
                    file_name = bundle.element_files.get(use.element_id)
                    line = bundle.element_lines.get((file_name, use.element_id))
                    found.append(Problem(file_name, use.element_id, line, problem))
        return found

    def _problem(self, process_id: str, use: Use) -> str | None:
        row = self.entry(use.name)
        if row is None:
            return f"message {use.name!r} is not in the message catalogue; an admin declares it first"
        if use.direction == THROWS and process_id not in row.senders:
            return (f"process {process_id!r} may not throw message {use.name!r}: "
                    "the message catalogue does not list it among the senders")
        if use.direction == CATCHES and process_id not in row.receivers:
            return (f"process {process_id!r} may not catch message {use.name!r}: "
                    "the message catalogue does not list it among the receivers")
        return None
