"""`GET /api/v1/process-definitions/{id}/versions/{v}/element-counts`: running instances of
one version waiting at each element, from the projection tables."""

from __future__ import annotations

import pytest

from tests.support.bpmn_builder import hour_timer_process, linear_process


def counts(api, process_id, version, as_user="analyst"):
    return api.get(f"/api/v1/process-definitions/{process_id}/versions/{version}/element-counts", as_user=as_user)


def start(api, process_id):
    response = api.start(process_id)
    assert response.status_code == 201, response.json
    return response.json["id"]


def complete_first(api, instance_id):
    [task] = api.ready_tasks(instance_id)
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", as_user="clerk").status_code == 200
    assert api.complete(task["id"], as_user="clerk").status_code == 200


def test_each_element_counts_the_instances_waiting_there(api):
    assert api.deploy({"linear.bpmn": linear_process(tasks=3)}).status_code == 201
    first, second, _third = (start(api, "linear") for _ in range(3))
    complete_first(api, first)
    complete_first(api, second)
    complete_first(api, second)
    response = counts(api, "linear", 1)
    assert response.status_code == 200, response.json
    assert response.json == {"task_1": 1, "task_2": 1, "task_3": 1}


def test_versions_are_counted_apart_and_ended_cases_not_at_all(api):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    old = start(api, "linear")
    gone = start(api, "linear")
    assert api.deploy({"linear.bpmn": linear_process(tasks=2)}).status_code == 201
    start(api, "linear")
    terminated = api.post(f"/api/v1/process-instances/{gone}/terminate", json={"reason": "withdrawn"})
    assert terminated.status_code == 200, terminated.json
    assert counts(api, "linear", 1).json == {"task_1": 1}
    assert counts(api, "linear", 2).json == {"task_1": 1}
    complete_first(api, old)  # the last task: the case ends
    assert counts(api, "linear", 1).json == {}


def test_timer_waits_are_counted_on_their_element(api):
    assert api.deploy({"tick.bpmn": hour_timer_process()}).status_code == 201
    start(api, "tick")
    start(api, "tick")
    assert counts(api, "tick", 1, as_user="admin").json == {"wait": 2}


@pytest.mark.parametrize("user", ["clerk", "prosecutor", "outsider"])
def test_counts_are_for_analysts_and_admins_only(api, user):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    response = counts(api, "linear", 1, as_user=user)
    assert response.status_code == 403
    assert "process_analyst" in response.json["message"]


@pytest.mark.parametrize("user", ["analyst", "clerk"])
@pytest.mark.parametrize(("process_id", "version"), [("linear", 2), ("nothing", 1)])
def test_an_unknown_version_is_a_404(api, process_id, version, user):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    response = counts(api, process_id, version, as_user=user)
    assert response.status_code == 404
    assert set(response.json) == {"message", "errors"}
