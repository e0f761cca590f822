"""A per-process cache of signed-in tokens, so that a request does not look its bearer token, the
user and the roles up in the database every time.

Entries are keyed by the token's SHA-256 (the token itself is never kept) and hold a detached copy
of the user with its roles, the token's expiry and the *authentication revision* read before the
user was loaded. The revision is a one-row counter (`auth_revision`) that every sign-out,
deactivation and role or placement change bumps in its own transaction; each request reads it (a
primary-key lookup of one integer, far cheaper than the token ⋈ user ⋈ roles query it replaces)
and an entry is used only while the revision has not moved. So a revocation committed by any
process, on any host sharing the database, is refused by every other process at its next request,
on SQLite and PostgreSQL alike. Revocations are rare, so dropping every entry on a bump costs
little. Expiry is checked against the engine's clock on every use; entries also age out after
`MAX_AGE_S` and the cache never holds more than `MAX_ENTRIES`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.models import AuthRevision, User
from engine.services.reads import outside_transaction

MAX_AGE_S = 60.0
MAX_ENTRIES = 10_000
REVISION_ROW = 1


@dataclass(frozen=True)
class CachedSignIn:
    user: User  # detached: merged into each request's session without a query
    expires_at: datetime
    revision: int
    cached_at: float


REVISION_SQL = f"SELECT value FROM auth_revision WHERE id = {REVISION_ROW}"


def current_revision(session: Session) -> int:
    """Every request asks this first: a constant statement given to the driver as it is, since
    building and caching an ORM select cost several times what the database took to answer it."""
    with outside_transaction(session):
        return session.connection().exec_driver_sql(REVISION_SQL).scalar() or 0


def bump_revision(session: Session) -> None:
    """Take effect with the caller's transaction: one upsert, so a database created without the
    migration's seed row works too."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = AuthRevision.__table__
    session.execute(
        dialect.insert(table).values(id=REVISION_ROW, value=1)
        .on_conflict_do_update(index_elements=[table.c.id], set_={"value": table.c.value + 1})
    )


class TokenCache:
    def __init__(self) -> None:
        self._entries: dict[str, CachedSignIn] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, revision: int) -> CachedSignIn | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        if entry.revision != revision or time.monotonic() - entry.cached_at > MAX_AGE_S:
            with self._lock:
                if entry.revision != revision:
                    # Access was taken away somewhere: nothing cached before it can be trusted.
                    self._entries = {k: v for k, v in self._entries.items() if v.revision == revision}
                else:
                    self._entries.pop(digest, None)
            return None
        return entry

    def put(self, digest: str, user: User, expires_at: datetime, revision: int) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {}
            self._entries[digest] = CachedSignIn(user, expires_at, revision, time.monotonic())

    def forget(self, digest: str) -> None:
        with self._lock:
            self._entries.pop(digest, None)

    def clear(self) -> None:
        with self._lock:
            self._entries = {}
