"""The prosecutor's statement recognising the victim (a claim without it asks the investigation
(`victim_statement_request`) and waits for `victim_statement`, correlated on the case number and the
request id, through the real message routing; a stand-in answers for the investigation), and the
appeal recorded at the end."""

from __future__ import annotations

import pytest

from tests.bpmn.conftest import Case
from tests.bpmn.test_state_compensation_claim import APPLICATION, CLAIM, PROCESS, register

WITHOUT_STATEMENT = ["proof_of_harm", "payment_details"]


def history(case: Case, event: str) -> list[dict]:
    return [e for e in case.api.get(f"/api/v1/process-instances/{case.id}/history").json if e["event"] == event]


def the_investigation(api) -> Case:
    [row] = api.get("/api/v1/process-instances?process_id=investigation").json
    return Case(api, row["id"])


@pytest.fixture
def claim(start, investigation):
    return start(PROCESS, as_user="clerk", business_key=CLAIM["case_number"], data=APPLICATION)


def test_a_claim_with_the_statement_asks_nobody(claim, api):
    register(claim)
    assert claim.ready_elements() == ["decide_claim"]
    assert history(claim, "message_sent") == []
    assert api.get("/api/v1/process-instances?process_id=investigation").json == []


def test_a_missing_statement_is_requested_from_the_investigation_and_taken_into_the_claim(claim, api):
    register(claim, documents_attached=WITHOUT_STATEMENT, victim_recognised_on="2026-05-04")
    [sent] = history(claim, "message_sent")
    assert sent["data"]["name"] == "victim_statement_request"
    investigation = the_investigation(api)
    [started] = history(investigation, "instance_started")
    assert started["data"]["origin_instance_id"] == claim.id
    assert started["data"]["business_key"] == CLAIM["case_number"]
    assert investigation.data["statement_request"] == {
        "case_number": CLAIM["case_number"], "request_id": f"{CLAIM['case_number']}/victim-statement",
        "victim_name": CLAIM["applicant_name"], "applicant": CLAIM["applicant_name"],
    }
    assert [e["data"]["name"] for e in history(investigation, "message_sent")] == ["victim_statement"]
    assert [e["data"]["name"] for e in history(claim, "message_delivered")] == ["victim_statement"]

    assert claim.ready_elements() == ["decide_claim"]
    data = claim.data
    assert data["victim_statement"]["recognised_victim"] is True
    assert data["victim_recognised_on"] == "2026-03-02"  # the prosecutor's date, not the form's
    assert "prosecutor_statement" in data["documents_attached"]
    assert data["compensation_amount"] == "3510.00"


def test_a_statement_that_does_not_recognise_the_victim_makes_the_claim_ineligible(claim, investigation):
    investigation(recognised=False, recognised_on=None)
    register(claim, documents_attached=WITHOUT_STATEMENT)
    assert claim.ready_elements() == ["refuse_ineligible"]
    data = claim.data
    assert data["recognised_victim"] is False
    assert data["eligibility_problems"] == ["the prosecutor's statement does not recognise the applicant as victim"]


def test_an_appeal_against_the_decision_is_recorded(claim):
    from tests.bpmn.test_state_compensation_claim import APPROVE

    register(claim)
    claim.do("decide_claim", {**APPROVE, "decision": "refuse", "refusal_reason": "Zaudējumi atlīdzināti."},
             as_user="comp_officer")
    claim.do("notify_refusal", {"applicant_notified_on": "2027-01-06", "notification_channel": "e_address"},
             as_user="clerk")
    task = claim.task("record_appeal_refusal")
    refused = claim.api.client.post(f"/api/v1/tasks/{task['id']}/complete?lang=en", headers=claim.api.headers("clerk"),
                                    json={"data": {"appealed": True}})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["/appeal_lodged_on", "/appeal_reasons"]
    claim.do("record_appeal_refusal", {"appealed": True, "appeal_lodged_on": "2027-01-20",
                                       "appeal_reasons": "Zaudējumi nav atlīdzināti pilnībā."}, as_user="clerk")
    instance = claim.instance()
    assert instance["status"] == "completed"
    assert (instance["data"]["appealed"], instance["data"]["appeal_lodged_on"]) == (True, "2027-01-20")


def unsolicited_investigation(recognised_on: str) -> str:
    """An investigation that sends the victim's statement on its own, before any claim asks."""
    from tests.support.bpmn_builder import ProcessBuilder

    p = ProcessBuilder("investigation")
    p.message("m_statement", "victim_statement", {"case_number": "case_number", "request_id": "request_id"})
    p.start()
    p.message_throw("send", "m_statement", payload=(
        f"{{'case_number': {CLAIM['case_number']!r}, 'request_id': {CLAIM['case_number'] + '/victim-statement'!r}, "
        f"'recognised_victim': True, 'recognised_on': {recognised_on!r}, 'crime_article': '125', "
        "'statement': 'Atzīts par cietušo.', 'prosecutor': 'prosecutor'}"
    ))
    p.end()
    p.chain("start", "send", "end")
    return p.xml()


def test_an_unrequested_statement_waits_and_is_taken_when_the_claim_needs_it(api, start, bundle):
    assert api.deploy({"investigation.bpmn": unsolicited_investigation("2026-06-01")}).status_code == 201
    sent = api.start("investigation", as_user="admin")
    assert sent.status_code == 201, sent.json
    claim = start(PROCESS, as_user="clerk", business_key=CLAIM["case_number"], data=APPLICATION)
    register(claim, documents_attached=WITHOUT_STATEMENT)
    # The buffered statement meets the claim's wait: its recognition date is taken into the claim.
    assert [e["data"]["name"] for e in history(claim, "message_delivered")] == ["victim_statement"]
    assert claim.ready_elements() == ["decide_claim"]
    assert claim.instance()["data"]["victim_recognised_on"] == "2026-06-01"


def test_an_unrequested_statement_never_changes_a_claim_with_its_statement_on_file(api, start, bundle):
    assert api.deploy({"investigation.bpmn": unsolicited_investigation("2026-06-01")}).status_code == 201
    claim = start(PROCESS, as_user="clerk", business_key=CLAIM["case_number"], data=APPLICATION)
    register(claim)
    assert api.start("investigation", as_user="admin").status_code == 201
    assert history(claim, "message_delivered") == []
    assert claim.ready_elements() == ["decide_claim"]
    assert claim.instance()["data"]["victim_recognised_on"] == CLAIM["victim_recognised_on"]
