import pytest
from sqlalchemy import event

from tests.support.bpmn_builder import ProcessBuilder, linear_process


def test_start_answers_201_with_the_contract_fields(api, deployed):
    response = api.start("linear", data={"case": "A-1"}, business_key="A-1")
    assert response.status_code == 201
    assert set(response.json) == {"id", "status", "process_id", "version"}
    assert isinstance(response.json["id"], str)
    assert response.json["status"] == "running"
    assert response.json["version"] == 1


@pytest.mark.parametrize("version", [None, 1])
def test_a_start_leaves_the_model_sources_in_the_database(api, deployed, version):
    """The parsed model comes from the spec cache: reading every source file of the version on
    each start was most of what finding the version cost."""
    api.start("linear")  # the first start may parse the version and fill the cache
    from webapp.extensions import db

    with api.app.app_context():
        bind = db.engine
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(bind, "before_cursor_execute", seen)
    try:
        body = {"version": version} if version else {}
        assert api.start("linear", **body).status_code == 201
    finally:
        event.remove(bind, "before_cursor_execute", seen)
    reads = [s for s in statements if "FROM process_definitions" in s]
    assert reads, statements
    assert not [s for s in reads if "process_definitions.bundle" in s], reads


def test_instance_shows_data_ready_tasks_and_incidents(api, deployed):
    instance_id = api.start("linear", data={"case": "A-1"}, business_key="A-1").json["id"]
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert {"id", "status", "process_id", "version", "business_key", "data", "ready_tasks", "incidents"} <= set(body)
    assert body["business_key"] == "A-1"
    assert body["data"]["case"] == "A-1"
    assert [t["element_id"] for t in body["ready_tasks"]] == ["task_1"]
    assert body["incidents"] == []
    task = body["ready_tasks"][0]
    assert {"id", "process_instance_id", "element_id", "name", "lane", "state", "assignee", "due_at", "form_schema"} <= set(task)
    assert task["lane"] == "Clerk" and task["state"] == "ready" and task["assignee"] is None


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"process_id": "nope"}, 404, "not deployed"),
        ({"process_id": "linear", "version": 9}, 404, "version 9"),
        ({"process_id": "linear", "data": [1, 2]}, 422, "/data"),
        ({"process_id": "linear", "version": "x"}, 422, "/version"),
        ({"process_id": "linear", "surprise": 1}, 422, "/surprise"),
        ({}, 422, "/process_id"),
    ],
    ids=["unknown-process", "unknown-version", "data-not-object", "version-not-int", "unknown-field", "missing-id"],
)
def test_bad_start_requests_get_a_clear_4xx(api, deployed, body, status, needle):
    response = api.post("/api/v1/process-instances", json=body)
    assert response.status_code == status, response.json
    assert set(response.json) == {"message", "errors"}
    assert needle in response.json["message"] + str(response.json["errors"])
    with api.app.app_context():
        from engine.models import ProcessInstance
        from webapp.extensions import db

        assert db.session.query(ProcessInstance).count() == 0


def test_invalid_json_is_a_400_with_the_error_shape(api, deployed):
    response = api.post("/api/v1/process-instances", data="{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.json) == {"message", "errors"}


def test_an_instance_started_on_v1_completes_on_v1_after_v2_is_deployed(api):
    api.deploy({"linear.bpmn": linear_process(tasks=2)})
    old = api.start("linear").json
    assert old["version"] == 1
    assert api.deploy({"linear.bpmn": linear_process(tasks=4)}).json["processes"][0]["version"] == 2
    new = api.start("linear").json
    assert new["version"] == 2
    pinned = api.start("linear", version=1).json
    assert pinned["version"] == 1
    for instance, expected_tasks in ((old, 2), (new, 4), (pinned, 2)):
        completed = 0
        while tasks := api.ready_tasks(instance["id"]):
            assert api.complete(tasks[0]["id"]).status_code == 200
            completed += 1
        assert completed == expected_tasks
        body = api.get(f"/api/v1/process-instances/{instance['id']}").json
        assert body["status"] == "completed" and body["version"] == instance["version"]


def test_an_unknown_instance_is_404(api):
    response = api.get("/api/v1/process-instances/does-not-exist")
    assert response.status_code == 404
    assert "does not exist" in response.json["message"]


def test_instance_of_another_lane_is_404_for_an_outsider(api, deployed):
    instance_id = api.start("linear").json["id"]
    hidden = api.get(f"/api/v1/process-instances/{instance_id}", as_user="outsider")
    assert hidden.status_code == 404 and instance_id in hidden.json["message"]
    assert hidden.json == api.get("/api/v1/process-instances/no-such-case", as_user="outsider").json | {
        "message": hidden.json["message"]}
    assert api.get(f"/api/v1/process-instances/{instance_id}", as_user="clerk").status_code == 200


def test_starting_needs_a_role_of_the_process(api, deployed):
    response = api.start("linear", as_user="outsider")
    assert response.status_code == 403
    assert api.start("linear", as_user="clerk").status_code == 201


def test_history_lists_every_change_in_order(api, deployed):
    instance_id = api.start("linear", data={"a": 1}).json["id"]
    task = api.ready_tasks(instance_id)[0]
    api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="clerk")
    api.complete(task["id"], {"b": 2}, as_user="clerk")
    history = api.get(f"/api/v1/process-instances/{instance_id}/history").json
    assert [h["event"] for h in history] == ["instance_started", "task_claimed", "task_completed"]
    assert [h["actor"] for h in history] == ["admin", "clerk", "clerk"]
    assert history[2]["task_id"] == task["id"]
    assert history[2]["data"]["data"] == {"b": 2}
    assert all(h["at"].endswith("+00:00") or h["at"].endswith("Z") for h in history)


def test_terminate_needs_admin_and_a_reason(api, deployed):
    instance_id = api.start("linear").json["id"]
    path = f"/api/v1/process-instances/{instance_id}/terminate"
    assert api.post(path, as_user="clerk", json={"reason": "x"}).status_code == 403
    assert api.post(path, json={"reason": ""}).status_code == 422
    response = api.post(path, json={"reason": "case withdrawn"})
    assert response.status_code == 200
    assert response.json["status"] == "terminated"
    assert response.json["terminated_reason"] == "case withdrawn"
    assert response.json["ready_tasks"] == []
    assert api.post(path, json={"reason": "again"}).status_code == 409
    assert api.get(f"/api/v1/process-instances/{instance_id}/history").json[-1]["event"] == "instance_terminated"


def runtime_error_process():
    """The script passes the static policy but fails at run time."""
    p = ProcessBuilder("fails")
    p.start()
    p.user_task("enter", "Enter", lane="Clerk")
    p.script_task("compute", "ratio = total / count")
    p.user_task("after", "After", lane="Clerk")
    p.end()
    p.chain("start", "enter", "compute", "after", "end")
    return p.xml()


def test_a_failing_script_puts_the_instance_into_error_and_keeps_the_completion(api):
    assert api.deploy({"fails.bpmn": runtime_error_process()}).status_code == 201
    instance_id = api.start("fails").json["id"]
    task = api.ready_tasks(instance_id)[0]
    response = api.complete(task["id"], {"total": 10, "count": 0}, as_user="clerk")
    assert response.status_code == 200
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert body["status"] == "error"
    assert "ZeroDivisionError" in body["error_message"] or "division" in body["error_message"]
    assert "compute" in body["error_message"]
    assert body["ready_tasks"] == []
    assert len(body["incidents"]) == 1
    assert body["incidents"][0]["message"] == body["error_message"]
    events = [h["event"] for h in api.get(f"/api/v1/process-instances/{instance_id}/history").json]
    assert sorted(events[-2:]) == ["incident_opened", "task_completed"]
    assert api.get("/healthz").status_code == 200


def test_a_script_that_runs_forever_is_stopped_and_the_server_stays_healthy(api):
    p = ProcessBuilder("spins")
    p.start()
    p.script_task("spin", "n = 0\nwhile True:\n    n = n + 1")
    p.user_task("after", "After", lane="Clerk")
    p.end()
    p.chain("start", "spin", "after", "end")
    assert api.deploy({"spins.bpmn": p.xml()}).status_code == 201
    started = api.start("spins")
    assert started.status_code == 201
    body = api.get(f"/api/v1/process-instances/{started.json['id']}").json
    assert body["status"] == "error"
    assert "spin" in body["error_message"]
    assert api.get("/healthz").status_code == 200
    assert api.start("linear").status_code == 404  # an ordinary request is still answered


def test_a_start_event_in_a_lane_says_who_may_start(api):
    p = ProcessBuilder("registered")
    p._add("start", "startEvent", "", lane="Clerk")
    p.user_task("register", "Register", lane="Clerk")
    p.user_task("decide", "Decide", lane="Prosecutor")
    p.end()
    p.chain("start", "register", "decide", "end")
    assert api.deploy({"registered.bpmn": p.xml()}).status_code == 201
    refused = api.start("registered", as_user="prosecutor")
    assert refused.status_code == 403
    assert "clerk" in refused.json["message"]
    assert api.start("registered", as_user="clerk").status_code == 201
    assert api.start("registered", as_user="admin").status_code == 201
