from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_, select, update

from engine.errors import N_
from engine.models import Lease
from engine.services.transaction import atomic

if TYPE_CHECKING:
    from engine.services.engine import Engine


def acquire(engine: Engine, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew the named lease; True when `holder` holds it until now + ttl."""
    session = engine.session()
    now = engine.clock.now()
    with atomic(session, N_("the lease could not be taken")):
        taken = session.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
            .values(holder=holder, expires_at=now + ttl)
        ).rowcount
        if not taken and session.scalar(select(Lease.name).where(Lease.name == name)) is None:
            session.add(Lease(name=name, holder=holder, expires_at=now + ttl))
            taken = 1
    return bool(taken)
