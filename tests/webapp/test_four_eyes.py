"""Four eyes inside a process (`separateFrom`): whoever prepared may not approve — not by claiming,
being assigned, or completing, admins included — and a rule naming no user task is refused at
deployment."""

from __future__ import annotations

import pytest

from tests.support.bpmn_builder import ProcessBuilder


def four_eyes_process(separate_from: str = "prepare") -> str:
    p = ProcessBuilder("four_eyes", name="Prepare and approve")
    p.start()
    p.user_task("prepare", "Prepare", lane="Clerk")
    p.user_task("approve", "Approve", lane="Clerk")
    p.end()
    p.chain("start", "prepare", "approve", "end")
    xml = p.xml()
    rule = ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="separateFrom" '
            f'value="{separate_from}"/></spiffworkflow:properties></bpmn:extensionElements>')
    return xml.replace('<bpmn:userTask id="approve" name="Approve">', f'<bpmn:userTask id="approve" name="Approve">{rule}')


@pytest.fixture
def prepared(api):
    assert api.deploy({"four_eyes.bpmn": four_eyes_process()}).status_code == 201
    instance_id = api.start("four_eyes", as_user="clerk").json["id"]
    [prepare] = api.ready_tasks(instance_id, as_user="clerk")
    assert api.complete(prepare["id"], as_user="clerk").status_code == 200
    [approve] = api.ready_tasks(instance_id, as_user="clerk")
    return instance_id, approve["id"]


@pytest.mark.parametrize("action", ["claim", "complete"])
def test_who_prepared_may_not_approve(api, prepared, action):
    _instance_id, task_id = prepared
    if action == "claim":
        response = api.post(f"/api/v1/tasks/{task_id}/claim", as_user="clerk")
    else:
        response = api.complete(task_id, as_user="clerk")
    assert response.status_code == 403, response.json
    assert "a second person must do this task" in response.json["message"]


def test_nobody_may_assign_it_to_who_prepared(api, prepared):
    _instance_id, task_id = prepared
    response = api.post(f"/api/v1/tasks/{task_id}/assign", as_user="admin", json={"username": "clerk"})
    assert response.status_code == 403, response.json


def test_a_second_person_approves(api, prepared):
    instance_id, task_id = prepared
    assert api.complete(task_id, as_user="clerk2").status_code == 200
    assert api.get(f"/api/v1/process-instances/{instance_id}").json["status"] == "completed"


def test_an_admin_who_prepared_is_held_to_it_too(api):
    assert api.deploy({"four_eyes.bpmn": four_eyes_process()}).status_code == 201
    instance_id = api.start("four_eyes", as_user="admin").json["id"]
    [prepare] = api.ready_tasks(instance_id)
    assert api.complete(prepare["id"]).status_code == 200
    [approve] = api.ready_tasks(instance_id)
    assert api.complete(approve["id"]).status_code == 403


@pytest.mark.parametrize(("named", "message"), [
    ("nowhere", "separateFrom names 'nowhere', which is not a user task of this process"),
    ("start", "separateFrom names 'start', which is not a user task of this process"),
    ("approve", "separateFrom names the task itself ('approve')"),
])
def test_a_rule_naming_no_user_task_is_refused(api, named, message):
    response = api.deploy({"four_eyes.bpmn": four_eyes_process(named)})
    assert response.status_code == 422, response.json
    assert {"element": "approve", "message": message} in [
        {"element": p["element"], "message": p["message"]} for p in response.json["errors"]]
