"""spiff-arena's `lane_owners`: a case can name who, within a lane, a task is for."""

import pytest

from tests.support.bpmn_builder import ProcessBuilder

# Every list here is read both ways a reader can be served (engine/services/reach.py).
pytestmark = pytest.mark.usefixtures("both_reaches")


def owned_process(owners_expression: str):
    p = ProcessBuilder("owned")
    p.start()
    p.script_task("name_owners", f"lane_owners = {{'Clerk': {owners_expression}}}")
    p.user_task("review", "Review the file", lane="Clerk")
    p.user_task("file", "File it", lane="Clerk")
    p.end()
    p.chain("start", "name_owners", "review", "file", "end")
    return p.xml()


@pytest.fixture
def owned(api):
    with api.app.app_context():
        api.engine().users.create("clerk3", "secret-clerk3", ["clerk"])
    assert api.deploy({"owned.bpmn": owned_process("[owner]")}).status_code == 201
    instance_id = api.start("owned", data={"owner": "clerk2"}).json["id"]
    return instance_id, api.ready_tasks(instance_id)[0]


def test_only_the_named_owner_sees_and_works_on_the_task(api, owned):
    instance_id, task = owned
    assert [t["id"] for t in api.get("/api/v1/tasks?state=ready", as_user="clerk2").json] == [task["id"]]
    assert api.get("/api/v1/tasks?state=ready", as_user="clerk").json == []
    for action in ("claim", "complete"):
        refused = api.post(f"/api/v1/tasks/{task['id']}/{action}", as_user="clerk", json={"data": {}})
        assert refused.status_code == 404  # not offered to the clerk: the case does not exist for them
        assert "clerk2" not in refused.json["message"]
    assert api.post(f"/api/v1/tasks/{task['id']}/assign", json={"username": "clerk3"}).status_code == 422
    assert api.complete(task["id"], as_user="clerk2").status_code == 200


def test_the_owners_stay_named_for_later_tasks_of_the_lane(api, owned):
    instance_id, task = owned
    api.complete(task["id"], as_user="clerk2")
    [next_task] = api.ready_tasks(instance_id)
    assert next_task["element_id"] == "file"
    assert api.complete(next_task["id"], as_user="clerk").status_code == 404
    assert api.complete(next_task["id"], as_user="admin").status_code == 200


def test_several_owners_may_each_take_it(api):
    with api.app.app_context():
        api.engine().users.create("clerk3", "secret-clerk3", ["clerk"])
    assert api.deploy({"owned.bpmn": owned_process("['clerk2', 'clerk3']")}).status_code == 201
    instance_id = api.start("owned").json["id"]
    [task] = api.ready_tasks(instance_id)
    for user in ("clerk2", "clerk3"):
        assert [t["id"] for t in api.get("/api/v1/tasks?state=ready", as_user=user).json] == [task["id"]]
    assert api.get("/api/v1/tasks?state=ready", as_user="clerk").json == []
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="clerk3").status_code == 200
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="clerk2").status_code == 409


def test_without_owners_the_lane_role_decides(api, deployed):
    instance_id = api.start("linear").json["id"]
    [task] = api.ready_tasks(instance_id)
    assert api.complete(task["id"], as_user="clerk").status_code == 200
