"""A service handler's business error (engine.BpmnError) goes to the error boundary event that
catches its code, or to a catch-all one, with its data; uncaught, it is an incident naming it."""

import pytest

import engine
from tests.support.bpmn_builder import ProcessBuilder


def process(boundary: str | None) -> str:
    """`boundary`: an error code the boundary catches, "" for a catch-all, None for none."""
    p = ProcessBuilder("assigns")
    p.start()
    p.service_task("assign", "find_lawyer", {"case": "case_id"})
    p.user_task("confirm", "Confirm the lawyer", lane="Clerk")
    p.end("done")
    p.chain("start", "assign", "confirm", "done")
    if boundary is not None:
        ref = ""
        if boundary:
            p.root_elements.append(f'<bpmn:error id="err_code" errorCode="{boundary}"/>')
            ref = ' errorRef="err_code"'
        p._add("no_one", "boundaryEvent", 'attachedToRef="assign" cancelActivity="true"',
               f"<bpmn:errorEventDefinition{ref}/>")
        p.user_task("manual", "Assign a lawyer by hand", lane="Clerk")
        p.end("manual_done")
        p.chain("no_one", "manual", "manual_done")
    return p.xml()


@pytest.fixture
def handler(api):
    calls = []

    def find_lawyer(params, data):
        calls.append(params)
        if params["case"] == "nobody":
            raise engine.BpmnError("NOBODY_ELIGIBLE", "no advocate speaks Latgalian", {"declined": ["adv-1"]})
        if params["case"] == "other":
            raise engine.BpmnError("ROSTER_EMPTY", "the duty roster is empty")
        return {"advocate": "adv-7"}

    api.engine().operations.register("find_lawyer", find_lawyer, max_attempts=3)
    return calls


def start(api, case_id):
    response = api.start("assigns", data={"case_id": case_id})
    assert response.status_code == 201, response.json
    return api.get(f"/api/v1/process-instances/{response.json['id']}").json


@pytest.mark.parametrize("boundary", ["NOBODY_ELIGIBLE", ""], ids=["by-code", "catch-all"])
def test_a_caught_business_error_takes_the_boundary_path(api, handler, boundary):
    assert api.deploy({"assigns.bpmn": process(boundary)}).status_code == 201
    instance = start(api, "nobody")
    assert instance["status"] == "running" and instance["incidents"] == []
    assert [t["element_id"] for t in instance["ready_tasks"]] == ["manual"]
    assert instance["data"]["error"] == {
        "code": "NOBODY_ELIGIBLE", "message": "no advocate speaks Latgalian",
        "data": {"declined": ["adv-1"]},
    }
    assert api.complete(instance["ready_tasks"][0]["id"]).status_code == 200
    assert api.get(f"/api/v1/process-instances/{instance['id']}").json["status"] == "completed"


def test_without_an_error_the_normal_path_runs(api, handler):
    assert api.deploy({"assigns.bpmn": process("NOBODY_ELIGIBLE")}).status_code == 201
    instance = start(api, "ok")
    assert [t["element_id"] for t in instance["ready_tasks"]] == ["confirm"]
    assert "error" not in instance["data"]


@pytest.mark.parametrize(
    ("boundary", "case_id", "code"),
    [(None, "nobody", "NOBODY_ELIGIBLE"), ("NOBODY_ELIGIBLE", "other", "ROSTER_EMPTY")],
    ids=["no-boundary", "another-code"],
)
def test_an_uncaught_business_error_is_an_incident_naming_it(api, handler, boundary, case_id, code):
    assert api.deploy({"assigns.bpmn": process(boundary)}).status_code == 201
    instance = start(api, case_id)
    assert instance["status"] == "error" and instance["ready_tasks"] == []
    [incident] = instance["incidents"]
    assert code in incident["message"] and "no error boundary event" in incident["message"]
    detail = api.get(f"/api/v1/incidents?process_instance_id={instance['id']}").json[0]
    assert detail["next_retry_at"] is None  # a business error is not retried by itself
