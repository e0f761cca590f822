"""Saving a task's form unvalidated, per person and task, to finish it later."""

from __future__ import annotations

from engine.errors import N_
from engine.models import User
from engine.serialization import to_plain
from engine.services.transaction import atomic
from webapp.engine_ext import get_engine
from webapp.pages.models import TaskDraft


def load(actor: User, task_id: str) -> TaskDraft | None:
    return get_engine().session().get(TaskDraft, (actor.id, task_id), populate_existing=True)


def save(actor: User, task_id: str, data: dict) -> None:
    engine = get_engine()
    session = engine.session()
    with atomic(session, N_("the draft could not be saved"), task_id=task_id):
        draft = session.get(TaskDraft, (actor.id, task_id))
        if draft is None:
            draft = TaskDraft(user_id=actor.id, task_id=task_id)
            session.add(draft)
        draft.data = to_plain(data)
        draft.saved_at = engine.clock.now()


def discard(actor: User, task_id: str) -> None:
    session = get_engine().session()
    with atomic(session, N_("the draft could not be removed"), task_id=task_id):
        session.query(TaskDraft).filter_by(user_id=actor.id, task_id=task_id).delete()
