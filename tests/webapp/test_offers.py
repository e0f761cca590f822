"""The offers index finds exactly the open tasks the access rule offers (engine/services/offers.py),
is kept with the inbox through a case's life, and is rebuilt from the inbox by migration 0024."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from engine.models import HumanTask, TaskOffer, TaskState
from engine.models.task import encode_candidates
from engine.services import offers
from engine.services.access import offered_condition

MIGRATIONS = str(Path(__file__).parents[2] / "webapp" / "migrations")
# Names with LIKE's wildcards in them: the rule escapes them, the keys need not.
NAMES = ["pros1", "pros2", "a%b", "a_b", "ab", "court_1"]
ROLES = ["clerk", "prosecutor", "court_clerk", "judge"]
TASK_ROLES = [None, "clerk", "prosecutor", "clerk,prosecutor", "prosecutor,judge", "court_clerk,judge,clerk"]
UNITS = [None, "COURT:RIGA", "COURT:KURZEME"]


def _random_task(rng: random.Random, template: dict) -> dict:
    named = rng.random() < 0.3
    return {
        **template, "id": str(uuid.uuid4()),
        "role": rng.choice(TASK_ROLES),
        "candidates": encode_candidates(rng.sample(NAMES, rng.randint(1, 3))) if named else None,
        "unit": rng.choice(UNITS),
        "state": TaskState.READY if rng.random() < 0.8 else TaskState.COMPLETED,
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_readers_keys_find_exactly_the_open_tasks_the_rule_offers_them(api, deployed, seed):
    instance_id = api.start("linear", as_user="admin").json["id"]
    rng = random.Random(seed)
    with api.app.app_context():
        session = api.engine().session()
        template = dict(session.execute(select(HumanTask.__table__).where(HumanTask.instance_id == instance_id)).mappings().one())
        tasks = [_random_task(rng, template) for _ in range(60)]
        session.execute(insert(HumanTask.__table__), tasks)
        session.execute(insert(TaskOffer.__table__),
                        [row for task in tasks if task["state"] == TaskState.READY for row in offers.offer_rows(task)])
        session.commit()
        found = 0
        for username in NAMES:
            for unit in UNITS:
                for roles in ({}, {"clerk"}, {"prosecutor", "judge"}, {"court_clerk"}, set(ROLES)):
                    roles = frozenset(roles)
                    by_rule = set(session.scalars(select(HumanTask.id).where(
                        HumanTask.instance_id == instance_id, offered_condition(username, unit, roles))))
                    by_keys = set(session.scalars(select(TaskOffer.task_id).where(
                        TaskOffer.instance_id == instance_id, TaskOffer.key.in_(offers.reader_keys(username, unit, roles)))))
                    assert by_keys == by_rule, (username, unit, sorted(roles))
                    found += len(by_rule)
        assert found > 100  # the readers were offered tasks, not only refused them


def _offers(api) -> set[tuple[str, str, str]]:
    from webapp.extensions import db

    with api.app.app_context():
        rows = db.session.execute(select(TaskOffer.task_id, TaskOffer.key, TaskOffer.instance_id)).all()
        db.session.remove()
    return {tuple(row) for row in rows}


def test_the_index_holds_the_open_tasks_only_and_migration_0024_rebuilds_it(api, deployed, app):
    from flask_migrate import downgrade, upgrade

    from webapp.extensions import db

    first = api.start("linear", as_user="clerk").json["id"]
    second = api.start("linear", as_user="clerk").json["id"]
    task = api.ready_tasks(first, as_user="clerk")[0]["id"]
    assert api.complete(task, as_user="clerk").status_code == 200
    held = _offers(api)
    open_tasks = {t["id"] for case in (first, second) for t in api.ready_tasks(case, as_user="clerk")}
    assert {task_id for task_id, _, _ in held} == open_tasks and task not in open_tasks
    assert {key for _, key, _ in held} == {"role:clerk"}

    with app.app_context():
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision="0023")
        upgrade(directory=MIGRATIONS, revision="0024")
        db.session.remove()
    assert _offers(api) == held
