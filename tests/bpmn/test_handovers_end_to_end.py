"""The bundled processes talking to each other, nobody standing in: the investigation's requests start
or reach the real partner process (legal_aid_appointment, court_intake), the partner's answer comes
back to the investigation, and the compensation claim gets the prosecutor's statement from the
investigation of its case — all through the API and the real message routing."""

from __future__ import annotations

from tests.bpmn.conftest import Case
from tests.bpmn.investigation_case import (
    ACTION,
    CASE_NUMBER,
    CHARGE,
    DETAINED,
    DETAINED_AT,
    HAND_OVER,
    events,
    opened,
    shown,
    supervised,
)
from tests.bpmn.legal_aid_support import ACCEPT, PAY, advocates, answer, sent_messages
from tests.bpmn.test_court_intake import REGISTER
from tests.bpmn.test_state_compensation_claim import APPLICATION, CLAIM, register

__all__ = ["advocates"]  # the fixture, used by name


def names(case: Case, event: str) -> list[str]:
    return [entry["data"]["name"] for entry in events(case, event)]


def started_by_message(case: Case) -> dict:
    [started] = events(case, "instance_started")
    return started["data"]


def only_instance(api, process_id: str) -> Case:
    [row] = api.get(f"/api/v1/process-instances?process_id={process_id}").json
    return Case(api, row["id"])


def test_a_detention_gets_its_defence_lawyer_from_the_real_legal_aid_process(api, bundle, advocates):
    investigation = supervised(opened(api, DETAINED))
    [request] = sent_messages(investigation, "legal_aid_request")
    request_id = f"{CASE_NUMBER}/legal-aid/{DETAINED_AT}"
    assert request["status"] == "delivered"
    assert request["payload"]["court_territory"] == "riga" and request["payload"]["urgency"] == "urgent"
    [legal_aid_id] = request["delivered_to"]
    legal_aid = Case(api, legal_aid_id)
    assert legal_aid.instance()["business_key"] == CASE_NUMBER
    started = started_by_message(legal_aid)
    assert (started["origin_instance_id"], started["business_key"]) == (investigation.id, CASE_NUMBER)
    assert names(legal_aid, "message_delivered") == ["legal_aid_request"]
    data = legal_aid.data
    assert (data["request_id"], data["urgent"]) == (request_id, True)
    # The detainee speaks Russian: the one Rīga advocate who does is proposed, no interpreter.
    assert (data["advocate_id"], data["interpreter_needed"]) == ("adv-riga-b", False)
    assert "inform_detainee_of_lawyer" not in investigation.ready_elements()  # it waits for the answer

    answer(legal_aid, ACCEPT)
    legal_aid.do("decide_state_payment", PAY, as_user="judge_riga")
    assert legal_aid.instance()["status"] == "completed"
    [result] = sent_messages(legal_aid, "legal_aid_result")
    assert result["correlation"] == {"case_number": CASE_NUMBER, "request_id": request_id}
    assert result["status"] == "delivered" and result["delivered_to"] == [investigation.id]

    assert names(investigation, "message_delivered") == ["legal_aid_result"]
    assert investigation.data["legal_aid_result"] == {
        "case_number": CASE_NUMBER, "request_id": request_id, "outcome": "appointed", "advocate_id": "adv-riga-b",
        "advocate_name": "B. Liepa", "interpreter_needed": False, "interpreter_language": None,
        "state_payment": True,
    }
    assert "B. Liepa" in shown(investigation, "inform_detainee_of_lawyer", "investigator")["instructions"]
    investigation.do("inform_detainee_of_lawyer", {"detainee_informed_at": "2027-01-04T12:00:00+02:00",
                                                   "interpreter_arranged": False}, as_user="investigator")
    assert "inform_detainee_of_lawyer" not in investigation.ready_elements()
    assert investigation.instance()["status"] == "running"  # the investigation itself goes on


def test_a_charged_case_is_registered_by_the_real_court_intake_and_acknowledged(api, bundle):
    investigation = supervised(opened(api))
    investigation.do("record_action", ACTION, as_user="investigator")
    investigation.do("record_action", {"next_step": "hand_over"}, as_user="investigator")
    investigation.do("hand_over", HAND_OVER, as_user="investigator")
    investigation.do("prosecutor_decision", CHARGE, as_user="prosecutor")
    request_id = f"{CASE_NUMBER}/court/0"
    [to_court] = sent_messages(investigation, "case_to_court")
    assert to_court["status"] == "delivered"
    [court_id] = to_court["delivered_to"]
    court = Case(api, court_id)
    assert court.instance()["business_key"] == CASE_NUMBER
    started = started_by_message(court)
    assert (started["origin_instance_id"], started["business_key"]) == (investigation.id, CASE_NUMBER)
    assert names(court, "message_delivered") == ["case_to_court"]
    assert (court.data["accused"], court.data["charges"]) == (HAND_OVER["accused"], CHARGE["charges"])
    assert court.data["charge_request_id"] == request_id

    court.do("register_case", REGISTER, as_user="clerk_riga")
    court.do("assign_judge", {"judge": "judge_riga"}, as_user="chair_riga")
    [ack] = sent_messages(court, "court_intake_ack")
    assert ack["correlation"] == {"case_number": CASE_NUMBER, "request_id": request_id}
    # The prosecutor has not yet notified the parties: the acknowledgement waits for its case.
    assert ack["status"] == "buffered"
    court.do("consider_defence", {"defence_needed": False}, as_user="judge_riga")
    assert court.instance()["status"] == "completed"

    investigation.do("notify_parties", {"accused_notified_on": "2027-01-22", "victims_notified_on": "2027-01-22"},
                     as_user="prosecutor")
    instance = investigation.instance()
    assert instance["status"] == "completed", instance
    assert instance["data"]["court_intake_ack"] == {
        "case_number": CASE_NUMBER, "request_id": request_id, "court_case_number": REGISTER["court_case_number"],
        "judge": "judge_riga", "registered_on": REGISTER["registered_on"],
    }
    assert names(investigation, "message_delivered") == ["court_intake_ack"]


def test_a_claim_without_the_statement_gets_it_from_the_running_investigation(api, start):
    investigation = supervised(opened(api))
    claim = start("state_compensation_claim", as_user="clerk", business_key=CASE_NUMBER,
                  data=APPLICATION | {"case_number": CASE_NUMBER, "victim_recognised_on": "2026-05-04"})
    register(claim, case_number=CASE_NUMBER, documents_attached=["proof_of_harm", "payment_details"],
             victim_recognised_on="2026-05-04")
    request_id = f"{CASE_NUMBER}/victim-statement"
    [request] = sent_messages(claim, "victim_statement_request")
    assert request["correlation"]["case_number"] == CASE_NUMBER
    assert request["status"] == "delivered" and request["delivered_to"] == [investigation.id]
    assert only_instance(api, "investigation").id == investigation.id  # reached, not started anew
    assert names(investigation, "message_delivered") == ["victim_statement_request"]
    assert investigation.data["statement_request"] == {
        "case_number": CASE_NUMBER, "request_id": request_id, "victim_name": CLAIM["applicant_name"],
        "applicant": CLAIM["applicant_name"],
    }
    assert "decide_claim" not in claim.ready_elements()  # the claim waits for the statement

    investigation.do("prepare_victim_statement", {
        "recognised_victim": True, "recognised_on": "2026-03-02", "crime_article": "KL 125",
        "statement": "Atzīts par cietušo.", "statement_prosecutor": "prosecutor",
    }, as_user="prosecutor")
    [statement] = sent_messages(investigation, "victim_statement")
    assert statement["correlation"] == {"case_number": CASE_NUMBER, "request_id": request_id}
    assert statement["status"] == "delivered" and statement["delivered_to"] == [claim.id]

    assert names(claim, "message_delivered") == ["victim_statement"]
    assert claim.ready_elements() == ["decide_claim"]
    data = claim.data
    assert data["victim_statement"]["recognised_victim"] is True
    assert data["victim_recognised_on"] == "2026-03-02"  # the prosecutor's date, not the form's
    assert "prosecutor_statement" in data["documents_attached"]
    assert data["compensation_amount"] == "3510.00"
    assert investigation.instance()["status"] == "running"
    assert "record_action" in investigation.ready_elements()  # the investigation went on meanwhile
