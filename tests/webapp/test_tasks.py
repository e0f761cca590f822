import json

import pytest

from tests.support.bpmn_builder import ProcessBuilder

FORM = {
    "type": "object",
    "required": ["decision"],
    "properties": {
        "decision": {"type": "string", "enum": ["approve", "reject"]},
        "copies": {"type": "integer", "minimum": 0},
        "party": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "code": {"type": "string", "pattern": "^[0-9]{6}$"}},
        },
    },
}


@pytest.fixture
def formed(api):
    p = ProcessBuilder("formed")
    p.start()
    p.user_task("decide", "Decide", lane="Prosecutor", form="decide.json")
    p.user_task("record", "Record", lane="Prosecutor")
    p.end()
    p.chain("start", "decide", "record", "end")
    assert api.deploy({"formed.bpmn": p.xml(), "decide.json": json.dumps(FORM)}).status_code == 201
    instance_id = api.start("formed").json["id"]
    return instance_id, api.ready_tasks(instance_id)[0]


def test_task_carries_its_form_schema(api, formed):
    _, task = formed
    assert task["form_schema"] == FORM
    assert task["lane"] == "Prosecutor"


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, [{"field": "/decision", "message": "this field is required"}]),
        ({"decision": "maybe"}, [{"field": "/decision", "message": "choose one of the allowed values"}]),
        ({"decision": "approve", "copies": -5}, [{"field": "/copies", "message": "the value must be at least 0"}]),
        ({"decision": "approve", "smuggled": 1}, [{"field": "/smuggled", "message": "this field is not part of the form"}]),
        (
            {"decision": "approve", "party": {"code": "12"}},
            [
                {"field": "/party/code", "message": "the value does not have the expected form"},
                {"field": "/party/name", "message": "this field is required"},
            ],
        ),
        (
            {"decision": "approve", "party": {"name": "A", "extra": True}},
            [{"field": "/party/extra", "message": "this field is not part of the form"}],
        ),
    ],
    ids=["missing", "enum", "minimum", "unknown-field", "nested", "nested-unknown"],
)
def test_form_data_is_validated_with_field_errors_and_nothing_changes(api, formed, data, errors):
    instance_id, task = formed
    response = api.complete(task["id"], data, as_user="prosecutor")
    assert response.status_code == 422
    assert response.json["errors"] == errors
    assert api.ready_tasks(instance_id)[0]["id"] == task["id"]
    events = [h["event"] for h in api.get(f"/api/v1/process-instances/{instance_id}/history").json]
    assert "task_completed" not in events


def test_valid_form_data_completes_and_reaches_the_instance_data(api, formed):
    instance_id, task = formed
    data = {"decision": "approve", "copies": 120, "party": {"name": "SIA Piemērs", "code": "123456"}}
    response = api.complete(task["id"], data, as_user="prosecutor")
    assert response.status_code == 200
    assert response.json["state"] == "completed"
    assert response.json["assignee"] == "prosecutor"
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert body["data"] == data
    assert [t["element_id"] for t in body["ready_tasks"]] == ["record"]


def test_complete_body_must_be_an_object_with_data(api, formed):
    _, task = formed
    response = api.post(f"/api/v1/tasks/{task['id']}/complete", as_user="prosecutor", json={"data": [1]})
    assert response.status_code == 422
    response = api.post(f"/api/v1/tasks/{task['id']}/complete", as_user="prosecutor", json={"data": {}, "x": 1})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "/x"


def test_completing_twice_is_409(api, formed):
    _, task = formed
    assert api.complete(task["id"], {"decision": "reject"}, as_user="prosecutor").status_code == 200
    again = api.complete(task["id"], {"decision": "reject"}, as_user="prosecutor")
    assert again.status_code == 409
    assert "completed" in again.json["message"]


def test_unknown_task_is_404(api, formed):
    assert api.complete("00000000-0000-0000-0000-000000000000", {}).status_code == 404
    assert api.post("/api/v1/tasks/nonsense/claim").status_code == 404


def test_a_user_without_the_lane_role_can_neither_claim_nor_complete(api, formed):
    instance_id, task = formed
    claim = api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="clerk")
    assert claim.status_code == 404  # the clerk takes no part in the case: it does not exist for them
    assert "prosecutor" not in claim.json["message"]
    complete = api.complete(task["id"], {"decision": "approve"}, as_user="clerk")
    assert complete.status_code == 404
    assert api.ready_tasks(instance_id)[0]["assignee"] is None


def test_claim_by_another_is_409_and_only_the_assignee_or_admin_may_complete(api, formed):
    with api.app.app_context():
        api.engine().users.create("prosecutor2", "secret-prosecutor2", ["prosecutor"])
    _, task = formed
    claimed = api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="prosecutor")
    assert claimed.status_code == 200 and claimed.json["assignee"] == "prosecutor"
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="prosecutor").status_code == 200
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="prosecutor2").status_code == 409
    blocked = api.complete(task["id"], {"decision": "approve"}, as_user="prosecutor2")
    assert blocked.status_code == 403
    assert api.complete(task["id"], {"decision": "approve"}, as_user="admin").status_code == 200


def test_unclaim_and_assign(api, formed):
    with api.app.app_context():
        api.engine().users.create("prosecutor2", "secret-prosecutor2", ["prosecutor"])
    _, task = formed
    path = f"/api/v1/tasks/{task['id']}"
    api.post(f"{path}/claim", as_user="prosecutor")
    assert api.post(f"{path}/unclaim", as_user="prosecutor2").status_code == 403
    released = api.post(f"{path}/unclaim", as_user="prosecutor")
    assert released.status_code == 200 and released.json["assignee"] is None
    assigned = api.post(f"{path}/assign", as_user="admin", json={"username": "prosecutor2"})
    assert assigned.status_code == 200 and assigned.json["assignee"] == "prosecutor2"
    wrong_role = api.post(f"{path}/assign", as_user="admin", json={"username": "clerk"})
    assert wrong_role.status_code == 422
    assert api.post(f"{path}/assign", as_user="admin", json={"username": "ghost"}).status_code == 404


def test_inbox_shows_only_what_the_user_may_work_on(api, formed, deployed):
    linear_id = api.start("linear").json["id"]
    prosecutor_view = api.get("/api/v1/tasks?state=ready", as_user="prosecutor").json
    clerk_view = api.get("/api/v1/tasks?state=ready", as_user="clerk").json
    admin_view = api.get("/api/v1/tasks?state=ready", as_user="admin").json
    assert {t["lane"] for t in prosecutor_view} == {"Prosecutor"}
    assert {t["process_instance_id"] for t in clerk_view} == {linear_id}
    assert len(admin_view) == 2
    assert api.get("/api/v1/tasks?state=ready", as_user="outsider").json == []
    assert api.get("/api/v1/tasks?state=bogus").status_code == 422


def test_task_outside_any_lane_is_open_to_starter_and_admin_only(api):
    p = ProcessBuilder("free")
    p.start()
    p.user_task("free_task", "Free task")
    p.end()
    p.chain("start", "free_task", "end")
    assert api.deploy({"free.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("free", as_user="clerk").json["id"]
    task = api.ready_tasks(instance_id, as_user="clerk")[0]
    assert task["lane"] is None
    assert api.complete(task["id"], as_user="prosecutor").status_code == 404
    assert api.complete(task["id"], as_user="clerk").status_code == 200


def test_parallel_branches_give_two_ready_tasks(api, deployed):
    instance_id = api.start("gateway").json["id"]
    review = api.ready_tasks(instance_id)[0]
    api.complete(review["id"], {"decision": "approve"})
    assert [t["element_id"] for t in api.ready_tasks(instance_id)] == ["approve"]
    api.complete(api.ready_tasks(instance_id)[0]["id"])
    assert sorted(t["element_id"] for t in api.ready_tasks(instance_id)) == ["check_a", "check_b"]


@pytest.mark.parametrize(("decision", "branch"), [("approve", "approve"), ("reject", "reject"), ("other", "reject")])
def test_gateway_process_takes_each_branch(api, deployed, decision, branch):
    instance_id = api.start("gateway").json["id"]
    api.complete(api.ready_tasks(instance_id)[0]["id"], {"decision": decision})
    seen = []
    while tasks := api.ready_tasks(instance_id):
        seen.extend(t["element_id"] for t in tasks)
        for t in tasks:
            assert api.complete(t["id"]).status_code == 200
    assert seen[0] == branch
    assert sorted(seen[1:3]) == ["check_a", "check_b"] and seen[3] == "sign"
    assert api.get(f"/api/v1/process-instances/{instance_id}").json["status"] == "completed"


def test_a_lane_shared_by_two_roles_is_open_to_both(api):
    with api.app.app_context():
        api.engine().users.create("investigator", "secret-investigator", ["investigator"])
        api.engine().users.create("duty", "secret-duty", ["duty_prosecutor"])
    p = ProcessBuilder("shared")
    p.start()
    p.user_task("request", "Request a defence lawyer", lane="Investigator / Prosecutor")
    p.user_task("request_again", "Request again", lane="Investigator / Prosecutor")
    p.end()
    p.chain("start", "request", "request_again", "end")
    assert api.deploy({"shared.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("shared", as_user="investigator").json["id"]
    [task] = api.ready_tasks(instance_id)
    assert task["role"] == "investigator,prosecutor"
    for user in ("investigator", "prosecutor"):
        assert [t["id"] for t in api.get("/api/v1/tasks?state=ready", as_user=user).json] == [task["id"]]
    assert api.get("/api/v1/tasks?state=ready", as_user="duty").json == []  # duty_prosecutor is another role
    assert api.complete(task["id"], as_user="clerk").status_code == 404
    refused = api.complete(task["id"], as_user="duty")  # the other role of the lane is refused alike
    assert refused.status_code == 404
    api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="investigator")
    # the starter takes part in the case, so a task they may not do is 403, naming who may
    assert api.post(f"/api/v1/tasks/{task['id']}/unclaim", as_user="investigator").status_code == 200
    assert api.complete(task["id"], as_user="prosecutor").status_code == 200
    [second] = api.ready_tasks(instance_id)
    assert api.complete(second["id"], as_user="investigator").status_code == 200


def test_the_inbox_pages_and_postgresql_plans_its_statement_once(api, deployed):
    for _ in range(3):
        assert api.start("linear", as_user="clerk").status_code == 201
    everything = [t["id"] for t in api.get("/api/v1/tasks?state=ready", as_user="clerk").json]
    assert len(everything) == 3
    pages = [api.get(f"/api/v1/tasks?state=ready&limit=2&offset={n}", as_user="clerk").json for n in (0, 2, 4)]
    assert [[t["id"] for t in page] for page in pages] == [everything[:2], everything[2:], []]

    with api.app.app_context():
        engine = api.engine()
        clerk = engine.users.by_username("clerk")
        for _ in range(12):  # psycopg prepares a statement at its fifth use; PostgreSQL weighs a generic plan after five more
            assert [t.id for t in engine.tasks.inbox(clerk, state="ready", limit=2)] == everything[:2]
        connection = engine.session().connection()
        if connection.dialect.name == "postgresql":
            # A page size sent as a parameter made PostgreSQL plan the statement afresh on every call.
            plans = connection.exec_driver_sql(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE 'SELECT human_tasks.id%%LIMIT%%'"
            ).all()
            assert len(plans) == 1 and plans[0].generic_plans > 0, plans
