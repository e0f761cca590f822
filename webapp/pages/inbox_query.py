"""The inbox as one query: open tasks held by the reader and unclaimed ones offered to them,
filtered, sorted and cut to one page, with the total for the pager.

The condition is the access rule's own `offered_condition` (lane role and unit, or a named lane
owner), so the inbox never offers a task the API would refuse. It reads open tasks only, through
the (state, due_at) and (state, created_at) indexes of migration 0012, or, for a reader who takes
part in few cases, only their own (engine/services/reach.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from engine.models import HumanTask, ProcessDefinition, TaskState, User
from engine.services.access import offered_condition

PAGE_SIZE = 25
# Counting every match of a role-wide inbox reads every open task (100,000 cases: ~100 ms); the
# count stops here and the page says "more than 1,000". Paging goes on past it with Next.
MAX_COUNT = 1000
SORTS = {
    "due": (HumanTask.due_at.asc().nulls_last(), HumanTask.created_at.asc(), HumanTask.id.asc()),
    "oldest": (HumanTask.created_at.asc(), HumanTask.id.asc()),
    "newest": (HumanTask.created_at.desc(), HumanTask.id.desc()),
}
SHOWS = ("all", "mine", "available")


@dataclass(frozen=True)
class InboxFilter:
    show: str = "all"
    process_id: str | None = None
    business_key: str | None = None
    due_before: datetime | None = None
    sort: str = "due"
    page: int = 1


@dataclass(frozen=True)
class InboxPage:
    tasks: list[HumanTask]
    total: int
    page: int
    pages: int
    more: bool = False  # more than `total` match (the count stopped at MAX_COUNT)
    has_next: bool = False


def task_condition(actor: User, show: str):
    """Open tasks the reader holds (`mine`), may claim (`available`) or both (`all`)."""
    mine = HumanTask.assignee_id == actor.id
    if actor.is_admin and not actor.is_service_account:
        available = HumanTask.assignee_id.is_(None)
    else:
        available = and_(HumanTask.assignee_id.is_(None),
                         offered_condition(actor.username, actor.unit_code, actor.roles))
    chosen = {"mine": mine, "available": available}.get(show, or_(mine, available))
    return and_(HumanTask.state == TaskState.READY, chosen)


def inbox_page(session, actor: User, wanted: InboxFilter, own=None) -> InboxPage:
    """`own`: the task ids to try the condition on first (AccessService.own_tasks), or None."""
    query = select(HumanTask).where(task_condition(actor, wanted.show))
    if own is not None:
        query = query.where(HumanTask.id.in_(own))
    if wanted.process_id:
        query = query.where(HumanTask.process_id == wanted.process_id)
    if wanted.business_key:
        # The whole key, as the API's filter takes it: an equality the index answers at once
        # (a prefix LIKE reads every open task on SQLite and on PostgreSQL without a pattern index).
        query = query.where(HumanTask.business_key == wanted.business_key)
    if wanted.due_before is not None:
        query = query.where(HumanTask.due_at < wanted.due_before)
    counted = session.scalar(select(func.count()).select_from(query.order_by(None).limit(MAX_COUNT + 1).subquery()))
    more = counted > MAX_COUNT
    total = min(counted, MAX_COUNT)
    pages = max(1, -(-total // PAGE_SIZE))
    page = max(1, wanted.page) if more else min(max(1, wanted.page), pages)
    rows = list(session.scalars(
        query.order_by(*SORTS.get(wanted.sort, SORTS["due"])).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)
    ))
    return InboxPage(rows[:PAGE_SIZE], total, page, pages, more=more, has_next=len(rows) > PAGE_SIZE)


def process_names(session, language: str) -> dict[str, str]:
    """Each deployed process's name (its latest version's), for the filter and the table."""
    latest = (
        select(ProcessDefinition.process_id, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.process_id).subquery()
    )
    rows = session.execute(
        select(ProcessDefinition.process_id, ProcessDefinition.name).join(
            latest, and_(latest.c.process_id == ProcessDefinition.process_id, latest.c.version == ProcessDefinition.version)
        )
    )
    return {process_id: name or process_id for process_id, name in rows}
