"""Signing in with a password, throttled so that guessing does not pay.

Failures are counted per (username case-folded, client address), unknown usernames included, and
per client address across usernames. Once a count reaches its limit, every attempt on that key is
refused (whatever the password, so a guess cannot even be checked) until the window that began
with its first failure has passed; refused attempts are not counted. A success clears the
(username, client) count. The counters live in `sign_in_throttle`, updated with one atomic
upsert per key, so every worker and host of one database sees the same counts; the API's token
endpoint and the future sign-in page both call `attempt`.

The check before the password and the count after it are two statements: attempts racing in the
same instant may each pass the check, so a burst can get at most one extra guess per concurrent
request beyond the limit (bounded by the server's threads), never an unbounded number.

The client address is what the web layer passes in (`request.remote_addr`): behind a reverse
proxy the web app must be told to trust the proxy's X-Forwarded-For (see the README), or every
client would share the proxy's address.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from engine import audit
from engine.db import UtcDateTime
from engine.errors import N_, Phrase
from engine.models import SignInThrottle, User
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine

MAX_KEY = 400


@dataclass(frozen=True)
class SignInResult:
    user: User | None = None
    # Seconds until the caller may try again; set when the attempt was refused unchecked.
    retry_after: int | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


@dataclass(frozen=True)
class SignInLock:
    username: str  # case-folded, as counted
    client: str
    failures: int
    until: datetime


def user_key(username: str, client: str) -> str:
    return f"user:{username.casefold()}|{client}"[:MAX_KEY]


def client_key(client: str) -> str:
    return f"client:{client}"[:MAX_KEY]


class SignInService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def attempt(self, username: str, password: str, client: str) -> SignInResult:
        """Check a password unless the (username, client) pair or the client is locked out."""
        settings = self.engine.settings
        client = client or "unknown"
        now = self.engine.clock.now()
        keys = {user_key(username, client): settings.sign_in_max_failures,
                client_key(client): settings.sign_in_client_max_failures}
        retry_after = self._locked_for(keys, now)
        session = self.engine.session()
        actor = username.casefold()[:80] or "-"
        if retry_after is not None:
            with atomic(session, N_("the sign-in could not be recorded")):
                audit.record(session, now, actor, "sign_in_throttled",
                             data={"username": username[:200], "client": client, "retry_after": retry_after})
            return SignInResult(retry_after=retry_after)
        user = self.engine.users.authenticate(username, password)
        if user is not None:
            with atomic(session, N_("the sign-in could not be recorded")):
                session.execute(delete(SignInThrottle).where(SignInThrottle.key == user_key(username, client)))
            return SignInResult(user=user)
        with atomic(session, N_("the sign-in could not be recorded")):
            failures = {key: self._count_failure(key, now) for key in keys}
            audit.record(session, now, actor, "sign_in_failed",
                         data={"username": username[:200], "client": client,
                               "failures": failures[user_key(username, client)],
                               "client_failures": failures[client_key(client)]})
        return SignInResult()

    def _locked_for(self, limits: dict[str, int], now: datetime) -> int | None:
        """Seconds until every locked key among `limits` opens again; None when none is locked."""
        window = self.engine.settings.sign_in_window
        rows = self.engine.session().execute(
            select(SignInThrottle.key, SignInThrottle.failures, SignInThrottle.first_failure_at)
            .where(SignInThrottle.key.in_(list(limits)))
        ).all()
        waits = [
            (row.first_failure_at + window - now).total_seconds()
            for row in rows
            if row.failures >= limits[row.key] and row.first_failure_at + window > now
        ]
        return max(1, math.ceil(max(waits))) if waits else None

    def _count_failure(self, key: str, now: datetime) -> int:
        """One more failure on `key` in one statement (INSERT … ON CONFLICT DO UPDATE, on SQLite
        and PostgreSQL alike); a count whose window has passed starts again at one."""
        session = self.engine.session()
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        table = SignInThrottle.__table__
        cutoff = now - self.engine.settings.sign_in_window
        statement = dialect.insert(table).values(key=key, failures=1, first_failure_at=now)
        expired = table.c.first_failure_at <= _moment(cutoff)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": case((expired, 1), else_=table.c.failures + 1),
                "first_failure_at": case((expired, _moment(now)), else_=table.c.first_failure_at),
            },
        ).returning(table.c.failures)
        return session.execute(statement).scalar_one()

    def purge_expired(self) -> int:
        """Drop counters whose window has passed (they would start again at one anyway), so
        failures from many addresses do not pile up in the table."""
        session = self.engine.session()
        cutoff = self.engine.clock.now() - self.engine.settings.sign_in_window
        with atomic(session, N_("expired sign-in counters could not be removed")):
            removed = session.execute(
                delete(SignInThrottle).where(SignInThrottle.first_failure_at <= cutoff)
            ).rowcount
        return removed

    def locks(self) -> list[SignInLock]:
        """The (username, client) pairs refused now, by username: what an admin may unlock.
        Client-wide locks are left out: they name no person and lapse with their window."""
        now = self.engine.clock.now()
        settings = self.engine.settings
        rows = self.engine.session().execute(
            select(SignInThrottle).where(
                SignInThrottle.key.startswith("user:"),
                SignInThrottle.failures >= settings.sign_in_max_failures,
                SignInThrottle.first_failure_at > now - settings.sign_in_window,
            )
        ).scalars()
        locks = []
        for row in rows:
            # The client address never holds "|"; a username may, so split at the last one.
            username, _bar, client = row.key.removeprefix("user:").rpartition("|")
            locks.append(SignInLock(username, client, row.failures, row.first_failure_at + settings.sign_in_window))
        return sorted(locks, key=lambda lock: (lock.username, lock.client))

    def unlock(self, username: str, actor: str = "system") -> int:
        """Forget the failures of `username` from every client; returns how many counters went."""
        session = self.engine.session()
        prefix = f"user:{username.casefold()}|"
        with atomic(session, Phrase(N_("the sign-in lock of %(user)r could not be lifted"), user=username)):
            removed = session.execute(
                delete(SignInThrottle).where(SignInThrottle.key.startswith(prefix, autoescape=True))
            ).rowcount
            audit.record(session, self.engine.clock.now(), actor, "sign_in_unlocked",
                         data={"username": username, "counters_removed": removed})
        return removed


def _moment(value: datetime):
    """A timestamp bound as the column stores it (SQLite compares the stored text)."""
    return literal(value, UtcDateTime)
