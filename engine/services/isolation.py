"""One failing item never stops the scheduler's round.

Each timer, message routing and incident retry runs through `isolated`: a Conflict is deferred
to the next round as before; any other failure (a bug, a corrupt stored state, a database error
on that one instance) is logged in one line and, where the case is known, recorded as an
incident on that case in a transaction of its own. It is not swallowed: the case shows it and an
admin acts on it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from engine import audit
from engine.errors import N_, Conflict, EngineError
from engine.models import Incident, IncidentStatus, InstanceStatus, ProcessInstance
from engine.services.transaction import atomic
from engine.services.writes import write_versioned

if TYPE_CHECKING:
    from engine.services.engine import Engine

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_LOGGED = 300  # characters of an error's text in the one log line


def isolated(
    engine: Engine, what: str, action: Callable[[], T], *, instance_id: str | None,
    task_id: str | None = None, element_id: str | None = None, on_failure: Callable[[], None] | None = None,
) -> T | None:
    """`action()`, or None when it failed or was deferred; `what` names the item in the log and
    the incident; `on_failure` runs after a failure (not after a deferral)."""
    try:
        return action()
    except Conflict as err:
        log.info("%s deferred: %s", what, err)
        return None
    except Exception as err:  # noqa: BLE001 - recorded as an incident below, never swallowed
        engine.session().rollback()
        text = f"{what} failed: {type(err).__name__}: {one_line(err)}"
        log.error("%s (case %s)", text, instance_id or "unknown")
        if instance_id is not None:
            record_failure(engine, instance_id, text, task_id, element_id)
        if on_failure is not None:
            isolated(engine, f"{what} (recording the failure)", on_failure, instance_id=None)
        return None


def one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= MAX_LOGGED else text[: MAX_LOGGED - 3] + "..."


def record_failure(engine: Engine, instance_id: str, message: str, task_id: str | None, element_id: str | None) -> None:
    """An open incident on the case (once per task), and the case in `error`."""
    session = engine.session()
    now = engine.clock.now()
    try:
        with atomic(session, N_("the failure could not be recorded"), instance_id=instance_id):
            instance = session.get(ProcessInstance, instance_id, populate_existing=True)
            if instance is None or instance.status not in (InstanceStatus.RUNNING, InstanceStatus.ERROR):
                return
            same = select(Incident.id).where(
                Incident.instance_id == instance_id, Incident.status == IncidentStatus.OPEN,
                Incident.task_id.is_(None) if task_id is None else Incident.task_id == task_id,
            )
            if session.scalar(same.limit(1)) is not None:
                return  # already recorded: a failure that repeats each round opens one incident
            incident = Incident(
                id=str(uuid.uuid4()), instance_id=instance_id, task_id=task_id, element_id=element_id,
                operation=None, message=message, status=IncidentStatus.OPEN, attempts=1, max_attempts=1,
                next_retry_at=None, created_at=now, updated_at=now,
            )
            session.add(incident)
            write_versioned(session, instance, {"status": InstanceStatus.ERROR, "error_message": message, "updated_at": now})
            audit.record(
                session, now, "system", "incident_opened", instance_id=instance_id, task_id=task_id,
                data={"incident_id": incident.id, "message": message, "operation": None},
            )
    except (EngineError, SQLAlchemyError) as err:
        log.error("the failure of case %s could not be recorded: %s: %s", instance_id, type(err).__name__, one_line(err))
        session.rollback()
    engine.workflows.discard(instance_id)
