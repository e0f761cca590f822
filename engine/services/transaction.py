"""One place that turns a failed commit into the engine's Conflict, so every service reports a
concurrent change the same way (HTTP 409) and leaves the session clean for the next request."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict


def commit(session: Session, conflict_message: str, **context) -> None:
    try:
        session.commit()
    except StaleDataError as err:
        session.rollback()
        raise Conflict(f"{conflict_message}: it was changed at the same time by someone else", **context) from err
    except IntegrityError as err:
        session.rollback()
        raise Conflict(f"{conflict_message}: it collides with a change made at the same time", **context) from err
    except OperationalError as err:
        session.rollback()
        if _is_lock_timeout(err):
            raise Conflict(f"{conflict_message}: the database was busy with a concurrent change", **context) from err
        raise


def _is_lock_timeout(err: OperationalError) -> bool:
    text = str(err.orig).lower() if err.orig is not None else str(err).lower()
    return "database is locked" in text or "could not obtain lock" in text or "deadlock detected" in text
