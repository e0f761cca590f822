"""Business rule tasks: DMN cells are Python expressions, evaluated by the sandbox like any code."""

from pathlib import Path

import pytest

from tests.support.bpmn_builder import ProcessBuilder

DMN = (Path(__file__).resolve().parents[1] / "fixtures" / "fee_band.dmn").read_text()


def rule_process():
    p = ProcessBuilder("fee")
    p.start()
    p._add(
        "decide_band", "businessRuleTask", "",
        head="<bpmn:extensionElements><spiffworkflow:calledDecisionId>fee_band</spiffworkflow:calledDecisionId>"
        "</bpmn:extensionElements>",
    )
    p.user_task("review", "Review the band", lane="Clerk")
    p.end()
    p.chain("start", "decide_band", "review", "end")
    return p.xml()


@pytest.mark.parametrize(("amount", "band"), [(250, "small"), (999, "small"), (1000, "large"), (25000, "large")])
def test_a_decision_table_sets_the_band(api, amount, band):
    dmn = DMN.replace("OUTPUT_LARGE", '"large"')
    assert api.deploy({"fee.bpmn": rule_process(), "fee_band.dmn": dmn}).status_code == 201
    instance_id = api.start("fee", data={"amount": amount}).json["id"]
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert body["status"] == "running", body
    assert body["data"]["band"] == band


@pytest.mark.parametrize(
    "cell",
    ['"x".__class__.__mro__', "__import__('os').getcwd()", "open('/etc/passwd').read()"],
    ids=["dunder-walk", "import", "open"],
)
def test_an_escape_in_a_dmn_cell_is_refused_at_deployment(api, cell):
    dmn = DMN.replace("OUTPUT_LARGE", cell.replace("<", "&lt;"))
    response = api.deploy({"fee.bpmn": rule_process(), "fee_band.dmn": dmn})
    assert response.status_code == 422, response.json
    assert any("DMN" in e["message"] for e in response.json["errors"]), response.json
    assert api.get("/api/v1/process-definitions").json == []


def test_a_dmn_cell_failing_at_run_time_becomes_an_incident(api):
    dmn = DMN.replace("OUTPUT_LARGE", "amount / zero")
    assert api.deploy({"fee.bpmn": rule_process(), "fee_band.dmn": dmn}).status_code == 201
    instance_id = api.start("fee", data={"amount": 5000, "zero": 0}).json["id"]
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert body["status"] == "error"
    assert "decide_band" in body["incidents"][0]["message"]
