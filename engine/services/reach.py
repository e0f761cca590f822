"""A reader's own rows, found through indexes before the access rule is tried on them.

The access rule (engine/services/access.py) is a condition on each row. Read in the list's own
order, a reader who holds many of the rows reaches a full page soon; one who holds few makes the
database test every row first (the case list took such a reader 227-420 ms at 100,000 cases).
Those readers are served the other way round: the tasks and cases they take part in (offered by
key, held, completed, started) come from indexes, and only those rows are tested against the
rule and sorted. The rule still decides every row, so the answer is the same either way.

Which kind a reader is, is probed (at most `probe_rows` + 1 index entries, the setting
LIETA_REACH_PROBE_ROWS) and remembered for DECISION_TTL: a stale decision costs time, never a
different answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from engine.clock import Clock
from engine.models import HumanTask, ProcessInstance, TaskOffer, User
from engine.services.offers import reader_keys

DECISION_TTL = timedelta(minutes=1)


# Each branch looks up one person's rows by equality on an index that holds the column it
# returns (migration 0024), so it is read alone: SQLite's planner, from statistics where one person
# started or completed most of the rows (or nobody any, the column all NULL), would rather scan a
# whole covering index than search one that sends it to the table for every row.
def _started(user_id: int, column) -> Select:
    return select(column).where(ProcessInstance.started_by == user_id)


def _completed(user_id: int, column) -> Select:
    return select(column).where(HumanTask.completed_by == user_id)


@lru_cache(maxsize=4096)
def own_task_ids(user_id: int, username: str, unit_code: str | None, roles: frozenset[str]):
    """Every task the reader may reach as a participant, and some more (the rule decides)."""
    return union_all(
        select(TaskOffer.task_id).where(TaskOffer.key.in_(reader_keys(username, unit_code, roles))),
        select(HumanTask.id).where(HumanTask.assignee_id == user_id),
        _completed(user_id, HumanTask.id),
        select(HumanTask.id).where(HumanTask.instance_id.in_(_started(user_id, ProcessInstance.id)),
                                   HumanTask.role.is_(None), HumanTask.candidates.is_(None)),
    )


@lru_cache(maxsize=4096)
def own_case_ids(user_id: int, username: str, unit_code: str | None, roles: frozenset[str]):
    """Every case the reader takes part in, and some more (the rule decides): one row per task or
    case that makes them a participant, so the probe counts their part, not distinct cases.
    Supervised processes are not here: a supervisor is read in order (see AccessService)."""
    return union_all(
        select(TaskOffer.instance_id).where(TaskOffer.key.in_(reader_keys(username, unit_code, roles))),
        select(HumanTask.instance_id).where(HumanTask.assignee_id == user_id),
        _completed(user_id, HumanTask.instance_id),
        _started(user_id, ProcessInstance.id),
    )


@lru_cache(maxsize=4096)
def _probe(cases, probe_rows: int) -> Select:
    return select(func.count()).select_from(cases.limit(probe_rows + 1).subquery())


class ReachDecisions:
    """Per reader, whether they reach few enough rows to be served from their own rows."""

    def __init__(self, clock: Clock, probe_rows: int) -> None:
        self.clock = clock
        self.probe_rows = probe_rows
        self._decided: dict[tuple, tuple[bool, datetime]] = {}

    def forget(self) -> None:
        """Decide afresh for everyone (after `probe_rows` changed)."""
        self._decided.clear()

    def few(self, session: Session, actor: User) -> bool:
        cases = own_case_ids(actor.id, actor.username, actor.unit_code, actor.roles)
        key = (actor.id, actor.username, actor.unit_code, actor.roles)
        now = self.clock.now()
        decided = self._decided.get(key)
        if decided is not None and decided[1] > now:
            return decided[0]
        few = session.scalar(_probe(cases, self.probe_rows)) <= self.probe_rows
        if len(self._decided) > 4096:  # readers come and go; the decisions are cheap to make again
            self._decided.clear()
        self._decided[key] = (few, now + DECISION_TTL)
        return few
