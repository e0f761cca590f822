"""What one person's calendar holds: their approved duty-prosecutor slots, their approved
advocates' duty slots, their legal-aid assignments and (on the page only) the due dates of the
tasks they hold or are offered. The private iCalendar feed and the "my calendar" page read the
same entries, so both show one truth.

Each entry has a UID that depends only on what it is (the duty's day, territory and shift; the
assignment's id; the task's id), never on a roster version or the time of the fetch, so a
calendar program updates an entry in place instead of duplicating it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from engine.models import HumanTask, User
from webapp.extensions import db
from webapp.pages.inbox_query import task_condition
from webapp.resources.common import slug, territory_label
from webapp.resources.models import (
    Advocate,
    AdvocateAssignment,
    AdvocateDutySlot,
    AdvocateRoster,
    AssignmentStatus,
    DutySlot,
    RosterStatus,
)
from webapp.resources.prosecutors import for_user as prosecutor_for
from webapp.resources.rosters import approved_slots
from webapp.resources.scheduled_hearings import visible as visible_hearings

MAX_TASKS = 500  # due dates shown in one window at most (an admin could otherwise match thousands)
KINDS = ("duty", "advocate_duty", "assignment", "hearing", "task")


@dataclass(frozen=True)
class Entry:
    uid: str
    kind: str  # one of KINDS
    title: str
    start: dt.datetime | dt.date  # a date: an all-day entry
    end: dt.datetime | dt.date | None
    description: str = ""
    location: str = ""
    url: str | None = None


def advocate_for(user: User) -> Advocate | None:
    return db.session.scalar(select(Advocate).where(Advocate.user_id == user.id).order_by(Advocate.id).limit(1))


def has_duties(user: User) -> bool:
    """Whether the person is linked to a prosecutor or an advocate (a feed has something to show)."""
    return prosecutor_for(user) is not None or advocate_for(user) is not None


def duty_uid(slot: DutySlot) -> str:
    return f"duty-{slot.date:%Y%m%d}-{slug(slot.region)}-{slug(slot.shift)}-p{slot.prosecutor_id}@lieta"


def advocate_duty_uid(slot: AdvocateDutySlot) -> str:
    return f"advocate-duty-{slot.date:%Y%m%d}-{slug(slot.region)}-{slug(slot.shift)}-a{slot.advocate_id}@lieta"


def duty_entries(user: User, start: dt.datetime, end: dt.datetime | None) -> list[Entry]:
    """Approved duties of the prosecutor and the advocate linked to `user`, overlapping [start, end)."""
    entries = []
    prosecutor = prosecutor_for(user)
    if prosecutor is not None:
        for slot in approved_slots(prosecutor.id, start, end):
            entries.append(Entry(
                uid=duty_uid(slot), kind="duty", title=f"Dežūrprokurors: {territory_label(slot.region)} ({slot.shift})",
                start=slot.starts_at, end=slot.ends_at, location=territory_label(slot.region),
                description=f"Roster {slot.roster.month} v{slot.roster.version}, region {slot.region}, shift {slot.shift}",
            ))
    advocate = advocate_for(user)
    if advocate is not None:
        entries += _advocate_duties(advocate.id, start, end)
        entries += _assignments(advocate.id, start, end)
    return entries


def _advocate_duties(advocate_id: int, start: dt.datetime, end: dt.datetime | None) -> list[Entry]:
    query = (select(AdvocateDutySlot).join(AdvocateRoster, AdvocateRoster.id == AdvocateDutySlot.roster_id)
             .where(AdvocateRoster.status == RosterStatus.APPROVED, AdvocateDutySlot.advocate_id == advocate_id,
                    AdvocateDutySlot.ends_at > start)
             .order_by(AdvocateDutySlot.starts_at))
    if end is not None:
        query = query.where(AdvocateDutySlot.starts_at < end)
    return [
        Entry(uid=advocate_duty_uid(slot), kind="advocate_duty", title=f"Advokāta dežūra: {territory_label(slot.region)}",
              start=slot.starts_at, end=slot.ends_at, location=territory_label(slot.region),
              description=f"Advocates' roster {slot.roster.month} v{slot.roster.version}, territory {slot.region}")
        for slot in db.session.scalars(query)
    ]


def _assignments(advocate_id: int, start: dt.datetime, end: dt.datetime | None) -> list[Entry]:
    query = (select(AdvocateAssignment)
             .where(AdvocateAssignment.advocate_id == advocate_id,
                    AdvocateAssignment.status == AssignmentStatus.ASSIGNED,
                    AdvocateAssignment.assigned_on >= start.date() - dt.timedelta(days=1))
             .order_by(AdvocateAssignment.assigned_on, AdvocateAssignment.id))
    if end is not None:
        query = query.where(AdvocateAssignment.assigned_on <= end.date())
    return [
        Entry(uid=f"assignment-{row.id}@lieta", kind="assignment", title=f"Aizstāvība: {row.case_id}",
              start=row.assigned_on, end=row.assigned_on + dt.timedelta(days=1), location=territory_label(row.territory),
              description=f"State-ensured defence, case {row.case_id}, territory {row.territory}, "
                          f"language {row.language}{', urgent' if row.urgent else ''}")
        for row in db.session.scalars(query)
    ]


def task_entries(user: User, start: dt.datetime, end: dt.datetime, task_url) -> list[Entry]:
    """Open tasks with a due date in [start, end) that the person holds or is offered, by the
    inbox's own rule (so the calendar never shows a task the inbox would not)."""
    rows = db.session.scalars(
        select(HumanTask).where(task_condition(user, "all"), HumanTask.due_at >= start, HumanTask.due_at < end)
        .order_by(HumanTask.due_at, HumanTask.id).limit(MAX_TASKS)
    )
    return [
        Entry(uid=f"task-{task.id}@lieta", kind="task", title=f"{task.name or task.element_id}"
              + (f" ({task.business_key})" if task.business_key else ""),
              start=task.due_at, end=None, url=task_url(task.id))
        for task in rows
    ]


def hearing_entries(user: User, start: dt.datetime, end: dt.datetime, case_url) -> list[Entry]:
    """Hearings of the cases the person may read (the case's own need-to-know rule)."""
    return [
        Entry(uid=f"hearing-{row.id}@lieta", kind="hearing", title=f"Tiesas sēde: {row.title}", start=row.starts_at,
              end=row.ends_at, location=f"{row.court}, {row.room}" if row.room else row.court,
              url=case_url(row.instance_id))
        for row in visible_hearings(user, start, end)
    ]
