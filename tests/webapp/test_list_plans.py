"""The case list and the inbox read through indexes, so a page costs the same with 100,000 cases
as with ten (migration 0023).

Each test captures the statement the API sent and asks the database how it would run it. On
PostgreSQL sequential scans and sorts are priced out first: with a handful of rows the planner
rightly prefers them, so what is asked is whether an index *can* give the rows in order.
"""

from __future__ import annotations

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


@pytest.mark.parametrize("user", ["clerk", "admin"])
def test_the_case_list_reads_the_newest_cases_in_index_order(api, deployed, user):
    started = {api.start("linear", as_user="clerk").json["id"] for _ in range(3)}
    statement, parameters, cases = _statement_of(api, "/api/v1/process-instances?limit=2", user, "process_instances")
    assert len(cases) == 2 and {case["id"] for case in cases} <= started
    plan = _plan(api, statement, parameters)
    assert "ix_process_instances_created" in plan and not _sorts(plan), plan


def test_the_inbox_finds_the_cases_a_person_started_through_an_index(api, deployed):
    api.start("linear", as_user="clerk")
    statement, parameters, tasks = _statement_of(api, "/api/v1/tasks?state=ready", "clerk", "human_tasks")
    assert len(tasks) == 1
    assert "process_instances.started_by" in statement  # the condition for tasks outside any lane
    plan = _plan(api, statement, parameters)
    assert "ix_process_instances_started_by" in plan, plan
