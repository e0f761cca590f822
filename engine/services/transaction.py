"""The one owner of a transaction: `atomic` wraps a service operation's changes, commits them,
and turns a concurrent change into the engine's Conflict (HTTP 409).

A stale optimistic-lock UPDATE can surface at commit or earlier, when a query inside the
operation autoflushes pending changes; both must become the same Conflict, and any failure
leaves the session rolled back and clean for the next request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import audit
from engine.errors import N_, Conflict, Phrase


@contextmanager
def atomic(session: Session, conflict_message: str, **context) -> Iterator[None]:
    try:
        yield
        audit.write_pending(session)
        session.commit()
    except StaleDataError as err:
        _rollback(session)
        raise Conflict(N_("%(what)s: it was changed at the same time by someone else"), params=_what(conflict_message),
                       **context) from err
    except IntegrityError as err:
        _rollback(session)
        raise Conflict(N_("%(what)s: it collides with a change made at the same time"), params=_what(conflict_message),
                       **context) from err
    except OperationalError as err:
        _rollback(session)
        if _is_lock_timeout(err):
            raise Conflict(N_("%(what)s: the database was busy with a concurrent change"),
                           params=_what(conflict_message), **context) from err
        raise
    except BaseException:
        _rollback(session)
        raise


def _what(conflict_message: str) -> dict:
    """The operation that failed, translatable: callers mark it with `N_` or pass a `Phrase`."""
    return {"what": conflict_message if isinstance(conflict_message, Phrase) else Phrase(conflict_message)}


def _rollback(session: Session) -> None:
    audit.discard_pending(session)
    session.rollback()


def _is_lock_timeout(err: OperationalError) -> bool:
    text = str(err.orig).lower() if err.orig is not None else str(err).lower()
    return "database is locked" in text or "could not obtain lock" in text or "deadlock detected" in text
