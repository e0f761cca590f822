"""The case list and the inbox read through indexes, so a page costs the same with 100,000 cases
as with ten (migrations 0023 and 0024): read in order for a reader who takes part in many cases,
from the reader's own rows for one who takes part in few (engine/services/reach.py).

Each test captures the statement the API sent and asks the database how it would run it. On
PostgreSQL sequential scans and sorts are priced out first: with a handful of rows the planner
rightly prefers them, so what is asked is whether an index *can* give the rows in order.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from webapp.extensions import db


def _statement_of(api, path: str, user: str, table: str) -> tuple[str, object, list]:
    """The last statement reading `table` while `path` was answered, its parameters, and the answer."""
    seen = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if f"FROM {table}" in statement:
            seen.append((statement, parameters))

    with api.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        response = api.get(path, as_user=user)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert response.status_code == 200, response.json
    assert seen, f"no statement read {table}"
    return *seen[-1], response.json


def _plan(api, statement: str, parameters) -> str:
    with api.app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            connection.exec_driver_sql("SET LOCAL enable_sort = off")
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
        else:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        connection.rollback()
    return "\n".join(str(row[-1]) for row in rows)


def _sorts(plan: str) -> bool:
    """A sort of the rows found, rather than reading them in order."""
    return "TEMP B-TREE FOR ORDER BY" in plan or any(
        line.strip().removeprefix("->").strip().startswith("Sort") for line in plan.splitlines()
    )


def _read_in_order(api) -> None:
    """Every reader counts as one who takes part in many cases."""
    api.engine().access.reach.probe_rows = -1


@pytest.mark.parametrize("user", ["clerk", "admin"])
def test_the_case_list_reads_the_newest_cases_in_index_order(api, deployed, user):
    _read_in_order(api)
    started = {api.start("linear", as_user="clerk").json["id"] for _ in range(3)}
    statement, parameters, cases = _statement_of(api, "/api/v1/process-instances?limit=2", user, "process_instances")
    assert len(cases) == 2 and {case["id"] for case in cases} <= started
    plan = _plan(api, statement, parameters)
    assert "ix_process_instances_created" in plan and not _sorts(plan), plan


def test_the_inbox_without_a_state_filter_reads_tasks_in_creation_order(api, deployed):
    _read_in_order(api)
    for _ in range(3):
        api.start("linear", as_user="clerk")
    statement, parameters, tasks = _statement_of(api, "/api/v1/tasks?limit=2", "clerk", "human_tasks")
    assert len(tasks) == 2
    plan = _plan(api, statement, parameters)
    assert "ix_human_tasks_created" in plan and not _sorts(plan), plan


def test_the_inbox_finds_the_cases_a_person_started_through_an_index(api, deployed):
    _read_in_order(api)
    api.start("linear", as_user="clerk")
    statement, parameters, tasks = _statement_of(api, "/api/v1/tasks?state=ready", "clerk", "human_tasks")
    assert len(tasks) == 1
    assert "process_instances.started_by" in statement  # the condition for tasks outside any lane
    plan = _plan(api, statement, parameters)
    assert "ix_process_instances_started_by" in plan, plan


@pytest.mark.parametrize(("path", "table", "found"), [
    ("/api/v1/process-instances?limit=2", "process_instances", 2),
    ("/api/v1/tasks?state=ready", "human_tasks", 3),
    ("/api/v1/tasks", "human_tasks", 3),
])
def test_a_reader_who_takes_part_in_few_cases_is_served_from_their_own_rows(api, deployed, path, table, found):
    for _ in range(3):
        api.start("linear", as_user="admin")
    statement, parameters, rows = _statement_of(api, path, "clerk", table)
    assert len(rows) == found  # the clerk is offered the first task of each case
    plan = _plan(api, statement, parameters)
    assert "ix_task_offers_key" in plan, plan
    # No table is read whole: every row comes through an index, from the reader's keys.
    full_scans = re.findall(r"^SCAN (?!SUBQUERY|COMPOUND)\w+|Seq Scan on \w+", plan, flags=re.MULTILINE)
    assert not full_scans, plan
