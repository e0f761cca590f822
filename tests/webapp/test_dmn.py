"""Business rule tasks: DMN cells are Python expressions, evaluated by the sandbox like any code."""

import time
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


def _with_input_cell(cell: str) -> str:
    return DMN.replace("&gt;= 1000", cell).replace("OUTPUT_LARGE", '"large"')


@pytest.mark.parametrize(
    ("dmn", "cell_id", "words"),
    [
        (_with_input_cell('"' + "?" * 12_000 + '"'), "rule_large_in", "12002 characters, more than the 2000"),
        (_with_input_cell('"' + "?" * 100 + '"'), "rule_large_in", "100 '?' characters, more than the 16"),
        (DMN.replace("OUTPUT_LARGE", '"' + "x" * 2_500 + '"'), "rule_large_out", "2502 characters"),
        (DMN.replace("<text>amount</text>", "<text>amount" + " + 0" * 600 + "</text>").replace(
            "OUTPUT_LARGE", '"large"'), "in_amount", "2406 characters"),
    ],
    ids=["12000-question-marks", "many-question-marks", "long-output", "long-input-expression"],
)
def test_an_oversized_dmn_cell_is_refused_at_deployment_naming_the_cell(api, dmn, cell_id, words):
    started = time.thread_time()
    response = api.deploy({"fee.bpmn": rule_process(), "fee_band.dmn": dmn})
    elapsed = time.thread_time() - started
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["file"] == "fee_band.dmn"
    assert problem["element"] == cell_id
    assert "fee_table" in problem["message"] and words in problem["message"], problem
    assert elapsed < 2.0
    assert api.get("/api/v1/process-definitions").json == []


def test_a_question_mark_cell_within_the_limits_still_works(api):
    assert api.deploy({"fee.bpmn": rule_process(), "fee_band.dmn": _with_input_cell("1000 &lt;= ? &lt; 10**9")}).status_code == 201
    instance_id = api.start("fee", data={"amount": 1500}).json["id"]
    assert api.get(f"/api/v1/process-instances/{instance_id}").json["data"]["band"] == "large"


def test_an_output_expanding_past_the_result_cap_is_an_incident_on_its_own_case(api):
    # The output is a list of lists of references to `n`: small in memory, 1.2 MB once stored.
    output = "[" + ", ".join(["[" + ", ".join(["n"] * 20) + "]"] * 20) + "]"
    assert len(output) < 2000
    assert api.deploy({"fee.bpmn": rule_process(), "fee_band.dmn": DMN.replace("OUTPUT_LARGE", output)}).status_code == 201
    other = api.start("fee", data={"amount": 5}).json["id"]
    instance_id = api.start("fee", data={"amount": 5000, "n": "x" * 3_000}).json["id"]
    body = api.get(f"/api/v1/process-instances/{instance_id}").json
    assert body["status"] == "error"
    assert "larger than the allowed" in body["incidents"][0]["message"]
    assert "band" not in body["data"]
    assert api.get(f"/api/v1/process-instances/{other}").json["data"]["band"] == "small"
