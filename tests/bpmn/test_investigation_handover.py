"""Hand-over to the prosecutor (KPL s.401) and the decision within 10 days (s.403): charge (the case
goes to court_intake, the court's acknowledgement closes the pre-trial proceedings), return with
instructions (the investigation continues, as often as needed) or terminate; and the victim's
status sent to the compensation process whenever it asks."""

from __future__ import annotations

import pytest

from tests.bpmn.investigation_case import (
    ACTION,
    CASE_NUMBER,
    CHARGE,
    HAND_OVER,
    completed_elements,
    events,
    move_to,
    opened,
    reply,
    sent,
    shown,
    supervised,
)

ACK = {"case_number": CASE_NUMBER, "request_id": f"{CASE_NUMBER}/court/0", "court_case_number": "K30-0123-27",
       "judge": "judge", "registered_on": "2027-01-25"}
NOTIFIED = {"accused_notified_on": "2027-01-22", "victims_notified_on": "2027-01-22"}


@pytest.fixture
def handed_over(api, bundle):
    case = supervised(opened(api))
    case.do("record_action", ACTION, as_user="investigator")
    case.do("record_action", {"next_step": "hand_over"}, as_user="investigator")
    case.do("hand_over", HAND_OVER, as_user="investigator")
    return case


def test_the_prosecutor_reads_the_hand_over_with_its_deadline(handed_over):
    task = shown(handed_over, "prosecutor_decision", "prosecutor")
    assert task["role"] == "prosecutor"
    assert task["due_at"] == "2027-02-01T22:00:00+00:00"  # 20 Jan + 10 days = Saturday 30 Jan → Monday 1 Feb
    assert "J. Bērziņš" in task["instructions"] and "150.00 EUR" in task["instructions"]
    assert r"KL 175\(2\)" in task["instructions"]  # Markdown escaped


def test_charged_the_case_goes_to_court_and_the_acknowledgement_closes_it(handed_over, api):
    handed_over.do("prosecutor_decision", CHARGE, as_user="prosecutor")
    [message] = sent(handed_over, "case_to_court")
    assert message["correlation"] == {"case_number": CASE_NUMBER, "request_id": f"{CASE_NUMBER}/court/0"}
    assert message["envelope"]["receivers"] == ["court_intake"]
    with api.app.app_context():
        from sqlalchemy import select

        from engine.models import Message
        from webapp.extensions import db

        [row] = db.session.scalars(select(Message).where(Message.name == "case_to_court")).all()
        assert row.payload == {
            "case_number": CASE_NUMBER, "request_id": f"{CASE_NUMBER}/court/0",
            "accused": HAND_OVER["accused"], "victims": HAND_OVER["victims"], "charges": CHARGE["charges"],
            "prosecutor": "prosecutor", "prosecution_unit": "PROSECUTION:RIGA",
        }
    assert handed_over.ready_elements() == ["notify_parties"]
    assert "L. Kalniņa" in shown(handed_over, "notify_parties", "prosecutor")["instructions"]
    # The court may answer before the prosecutor has notified anyone: the answer waits for its case.
    assert reply(api, "court_intake_ack", ACK)["status"] == "buffered"
    handed_over.do("notify_parties", NOTIFIED, as_user="prosecutor")
    instance = handed_over.instance()
    assert instance["status"] == "completed", instance
    assert instance["data"]["court_intake_ack"]["court_case_number"] == "K30-0123-27"
    [delivered] = events(handed_over, "message_delivered")
    assert delivered["data"]["name"] == "court_intake_ack"


def test_returned_with_instructions_the_investigation_continues_then_charges(handed_over, api):
    for round_ in (1, 2):
        handed_over.do("prosecutor_decision", {"prosecutor_outcome": "return", "decision_reason": "Incomplete.",
                                               "prosecutor_instructions": f"Question the neighbours ({round_})."},
                       as_user="prosecutor")
        assert handed_over.ready_elements() == ["record_action"]
        assert f"neighbours \\({round_}\\)" in shown(handed_over, "record_action", "investigator")["instructions"]
        assert handed_over.data["returns"] == round_
        handed_over.do("record_action", ACTION, as_user="investigator")
        handed_over.do("record_action", {"next_step": "hand_over"}, as_user="investigator")
        handed_over.do("hand_over", HAND_OVER, as_user="investigator")
    handed_over.do("prosecutor_decision", CHARGE, as_user="prosecutor")
    [message] = sent(handed_over, "case_to_court")
    assert message["correlation"]["request_id"] == f"{CASE_NUMBER}/court/2"
    assert len(handed_over.data["actions"]) == 3
    assert completed_elements(handed_over).count("prosecutor_decision") == 3


def test_terminated_the_persons_concerned_are_told(handed_over):
    handed_over.do("prosecutor_decision", {"prosecutor_outcome": "terminate", "decision_reason": "No crime proven."},
                   as_user="prosecutor")
    assert "No crime proven." in shown(handed_over, "notify_termination", "prosecutor")["instructions"]
    handed_over.do("notify_termination", {"termination_notified_on": "2027-01-25",
                                          "termination_notified_to": ["J. Bērziņš", "L. Kalniņa"]},
                   as_user="prosecutor")
    assert handed_over.instance()["status"] == "completed"
    assert sent(handed_over, "case_to_court") == []


def test_no_decision_in_10_days_goes_to_the_chief_prosecutor(handed_over, api, clock):
    assert move_to(api, clock, "2027-02-01T21:59:00+00:00") == 0
    assert move_to(api, clock, "2027-02-01T22:00:00+00:00") == 1
    assert handed_over.ready_elements() == ["prosecutor_decision", "prosecutor_overdue"]
    handed_over.do("prosecutor_overdue", {"escalation_noted_at": "2027-02-02T09:00:00+02:00",
                                          "escalation_action": "Reminded the prosecutor."}, as_user="chief")
    handed_over.do("prosecutor_decision", CHARGE, as_user="prosecutor")
    assert handed_over.ready_elements() == ["notify_parties"]


@pytest.mark.parametrize("recognised", [True, False], ids=["recognised victim", "not recognised"])
def test_the_victims_status_is_sent_whenever_the_compensation_process_asks(api, bundle, recognised):
    case = supervised(opened(api))
    statements = []
    for n in (1, 2):  # two claims, two requests in flight one after the other
        request = {"case_number": CASE_NUMBER, "request_id": f"claim-{n}", "victim_name": "L. Kalniņa",
                   "applicant": "comp_officer"}
        assert reply(api, "victim_statement_request", request)["delivered_to"] == [case.id]
        task = shown(case, "prepare_victim_statement", "prosecutor")
        assert "L. Kalniņa" in task["instructions"] and r"comp\_officer" in task["instructions"]
        answer = {"recognised_victim": recognised, "crime_article": "KL 175", "statement": "Victim of theft.",
                  "statement_prosecutor": "prosecutor"}
        if recognised:
            answer["recognised_on"] = "2027-01-05"
        case.do("prepare_victim_statement", answer, as_user="prosecutor")
        statements = sent(case, "victim_statement")
        assert statements[-1]["correlation"] == {"case_number": CASE_NUMBER, "request_id": f"claim-{n}"}
        assert statements[-1]["envelope"]["receivers"] == ["state_compensation_claim"]
    assert len(statements) == 2
    assert case.ready_elements() == ["record_action"]  # the investigation went on meanwhile
    with api.app.app_context():
        from sqlalchemy import select

        from engine.models import Message
        from webapp.extensions import db

        rows = db.session.scalars(select(Message).where(Message.name == "victim_statement")).all()
        assert [row.payload["recognised_on"] for row in rows] == [("2027-01-05" if recognised else None)] * 2
        assert all(row.payload["recognised_victim"] is recognised for row in rows)
