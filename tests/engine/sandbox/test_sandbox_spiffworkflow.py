"""The sandboxed script engine inside a real SpiffWorkflow run."""

from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.errors import EngineError, SandboxViolation, ScriptError
from engine.script_engine import SandboxedScriptEngine, sandbox_error_of

BPMN = Path(__file__).with_name("sandbox_gateway.bpmn")


@pytest.fixture(scope="module")
def engine(sandbox) -> SandboxedScriptEngine:
    return SandboxedScriptEngine(sandbox)


def _spec():
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_files([str(BPMN)])
    return parser.get_spec("fee_decision")


def _run(engine: SandboxedScriptEngine, claims: list, spec=None) -> BpmnWorkflow:
    workflow = BpmnWorkflow(spec or _spec(), script_engine=engine)
    start = workflow.get_tasks(state=TaskState.READY)[0]
    start.data["claims"] = claims
    workflow.do_engine_steps()
    return workflow


@pytest.mark.parametrize(("claims", "branch", "fee"), [
    ([{"amount": 1500}, {"amount": 1500}], "large", 150.0),
    ([{"amount": 10}], "small", 0.5),
])
def test_script_result_drives_the_gateway(engine, claims, branch, fee) -> None:
    workflow = _run(engine, claims)
    assert workflow.is_completed()
    data = workflow.last_task.data
    assert data["branch"] == branch
    assert data["fee"] == fee
    assert data["reply_by"] == "2026-11-20T22:00:00+00:00"  # 3 working days from Mon 16 Nov
    assert "claims" not in data  # deleted by the script


def test_forbidden_script_carries_element_and_line(engine) -> None:
    spec = _spec()
    spec.task_specs["compute_fee"].script = "fee = 1\nx = ().__class__.__base__"
    with pytest.raises(SandboxViolation) as caught:
        _run(engine, [], spec)
    assert caught.value.element_id == "compute_fee"
    assert caught.value.line == 2
    assert "__class__" in str(caught.value)


def test_script_error_in_gateway_condition(engine) -> None:
    spec = _spec()
    for flow in spec.task_specs["fee_gateway"].cond_task_specs:
        if flow[0] is not None:
            flow[0].args = ("fee >= limit",)
    with pytest.raises(Exception) as caught:
        _run(engine, [{"amount": 1}], spec)
    error = sandbox_error_of(caught.value)
    assert isinstance(error, ScriptError)
    assert error.element_id == "fee_gateway"
    assert "limit" in error.message


def test_service_tasks_need_a_caller(sandbox) -> None:
    engine = SandboxedScriptEngine(sandbox)
    with pytest.raises(EngineError, match="no service caller"):
        engine.call_service(None, operation_name="lursoft.lookup", operation_params={})
    calls = []
    engine = SandboxedScriptEngine(sandbox, service_caller=lambda t, n, p: calls.append(n) or "{}")
    assert engine.call_service(None, operation_name="x", operation_params={}) == "{}"
    assert calls == ["x"]


def test_the_environment_spiffworkflow_calls_directly_is_sandboxed_too(engine):
    """Message correlation calls `script_engine.environment.evaluate`, bypassing `evaluate`."""
    assert engine.environment.evaluate("case_id.upper()", {"case_id": "a-1"}) == "A-1"
    with pytest.raises(SandboxViolation):
        engine.environment.evaluate("().__class__.__base__.__subclasses__()", {})
