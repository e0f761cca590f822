"""Start forms are published with each process definition and enforced when a case is started;
start data is always held to what the sandbox reads; an admin can terminate any case, even one
whose stored state cannot be loaded."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update

from engine.errors import InvalidInput
from engine.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, TaskState, Timer, TimerStatus
from engine.sandbox.limits import MAX_DATA_DEPTH
from tests.support.bpmn_builder import ProcessBuilder, hour_timer_process, linear_process

START_FORM = {
    "type": "object",
    "required": ["case_number", "claimed_amount"],
    "properties": {
        "case_number": {"type": "string", "minLength": 3},
        "claimed_amount": {"type": "string", "pattern": "^\\d+\\.\\d{2}$", "maxLength": 7},
    },
}
START_UI = {"case_number": {"ui:autofocus": True}}


def claim_process() -> str:
    p = ProcessBuilder("claim", name="Claim")
    p.start(lane="Clerk", form="claim.start.json", ui_form="claim.start.ui.json")
    p.script_task("copy", "seen = case_number", lane="Clerk")
    p.user_task("review", "Review", lane="Clerk")
    p.end()
    p.chain("start", "copy", "review", "end")
    return p.xml()


@pytest.fixture
def claim(api):
    response = api.deploy({
        "claim.bpmn": claim_process(), "claim.start.json": json.dumps(START_FORM),
        "claim.start.ui.json": json.dumps(START_UI), "linear.bpmn": linear_process(tasks=1),
    })
    assert response.status_code == 201, response.json


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("user, may_start", [("clerk", True), ("outsider", False), ("admin", True)])
def test_definitions_carry_the_start_form_and_whether_the_caller_may_start(api, claim, user, may_start):
    listed = {d["process_id"]: d for d in api.get("/api/v1/process-definitions", as_user=user).json}
    assert listed["claim"]["start_form_schema"] == START_FORM
    assert listed["claim"]["start_ui_schema"] == START_UI
    assert listed["claim"]["may_start"] is may_start
    assert listed["linear"]["start_form_schema"] is None and listed["linear"]["start_ui_schema"] is None


@pytest.mark.parametrize("data, fields", [
    ({}, {"/case_number", "/claimed_amount"}),
    ({"case_number": "K-1", "claimed_amount": "5000"}, {"/claimed_amount"}),
    ({"case_number": "K", "claimed_amount": "5.00"}, {"/case_number"}),
    ({"case_number": "K-1", "claimed_amount": "5.00", "judge": "me"}, {"/judge"}),
])
def test_start_data_is_checked_against_the_start_form(api, claim, data, fields):
    response = api.start("claim", as_user="clerk", data=data)
    assert response.status_code == 422, response.json
    assert {e["field"] for e in response.json["errors"]} == fields
    with api.app.app_context():
        assert api.engine().session().scalar(select(ProcessInstance.id).where(ProcessInstance.process_id == "claim")) is None


def test_start_data_matching_the_form_starts_the_case(api, claim):
    response = api.start("claim", as_user="clerk", data={"case_number": "K-17", "claimed_amount": "120.50"})
    assert response.status_code == 201, response.json
    instance = api.get(f"/api/v1/process-instances/{response.json['id']}").json
    assert instance["data"]["seen"] == "K-17"


def test_the_start_form_is_checked_after_the_right_to_start(api, claim):
    assert api.start("claim", as_user="outsider", data={}).status_code == 403


def test_data_as_deep_as_the_api_takes_still_runs_the_case_scripts(api, claim):
    data = {"case_number": "K-18", "claimed_amount": "1.00"}
    response = api.start("linear", data={"deep": nested(MAX_DATA_DEPTH - 2)})
    assert response.status_code == 201, response.json
    response = api.start("claim", as_user="clerk", data=data)
    assert response.status_code == 201


@pytest.mark.parametrize("data, field", [
    ({"deep": nested(487)}, "/deep/a/a/a"),
    ({"x": float("nan")}, "/x"),
    ({"x": float("-inf")}, "/x"),
    ({"x": 10**400}, "/x"),
    ({"x": "y" * (1024 * 1024 + 1)}, "/"),
])
def test_the_engine_refuses_start_data_the_sandbox_could_not_read(api, data, field):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    with api.app.app_context():
        engine = api.engine()
        admin = engine.users.by_username("admin")
        with pytest.raises(InvalidInput) as refused:
            engine.instances.start(admin, "linear", data=data)
        assert refused.value.errors and refused.value.errors[0]["field"].startswith(field)


# --- terminating a case whose state cannot be loaded ---------------------------------------------


def _break_state(api, instance_id: str, state: str, data=None) -> None:
    with api.app.app_context():
        session = api.engine().session()
        values = {"state": state} if data is None else {"state": state, "data": data}
        session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id).values(**values))
        session.commit()
        api.engine().workflows.discard(instance_id)


def _deep_state(api, instance_id: str, depth: int) -> str:
    with api.app.app_context():
        session = api.engine().session()
        state = json.loads(session.get(ProcessInstance, instance_id).state)
    for task in state["tasks"].values():
        task["data"]["deep"] = nested(depth)
    return json.dumps(state)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "nested 487 deep"])
def test_an_admin_terminates_a_case_whose_state_cannot_be_loaded(api, damage):
    assert api.deploy({"tick.bpmn": hour_timer_process(), "linear.bpmn": linear_process(tasks=2)}).status_code == 201
    started = api.start("tick").json["id"]
    with_task = api.start("linear").json["id"]
    for instance_id in (started, with_task):
        if damage == "garbage":
            _break_state(api, instance_id, "not a workflow {")
        elif damage == "truncated":
            with api.app.app_context():
                state = api.engine().session().get(ProcessInstance, instance_id).state
            _break_state(api, instance_id, state[: len(state) // 2])
        else:
            _break_state(api, instance_id, _deep_state(api, instance_id, 487), data={"deep": nested(487)})
        response = api.post(f"/api/v1/process-instances/{instance_id}/terminate", json={"reason": "corrupt state"})
        assert response.status_code == 200, response.json
        assert response.json["status"] == InstanceStatus.TERMINATED

    with api.app.app_context():
        session = api.engine().session()
        assert session.scalars(select(Timer.status).where(Timer.instance_id == started)).all() == [TimerStatus.CANCELLED]
        states = session.scalars(select(HumanTask.state).where(HumanTask.instance_id == with_task)).all()
        assert states and set(states) == {TaskState.CANCELLED}
        events = session.scalars(
            select(AuditEvent.event).where(AuditEvent.instance_id == with_task).order_by(AuditEvent.id)
        ).all()
        assert events[-1] == "instance_terminated"
        last = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == with_task).order_by(AuditEvent.id.desc())).first()
        assert last.data["reason"] == "corrupt state" and last.data["state_unreadable"]
    assert api.ready_tasks(with_task) == []
    again = api.post(f"/api/v1/process-instances/{with_task}/terminate", json={"reason": "twice"})
    assert again.status_code == 409


def test_only_an_admin_terminates_and_a_missing_case_is_404(api):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    instance_id = api.start("linear").json["id"]
    assert api.post(f"/api/v1/process-instances/{instance_id}/terminate", as_user="clerk",
                    json={"reason": "x"}).status_code == 403
    assert api.post("/api/v1/process-instances/nothing/terminate", json={"reason": "x"}).status_code == 404
