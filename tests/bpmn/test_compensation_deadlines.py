"""The legal clocks of `state_compensation_claim`: the 1-month decision term suspended while information is
awaited, the applicant's 7 + 15 days to answer a request for missing documents, and the 1-month
payment term with its escalation. The injected clock is moved
and due timers fire through the scheduler's own round."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.bpmn.test_state_compensation_claim import APPLICATION, APPROVE, NOTIFY, PAY, PROCESS, register
from webapp.scheduler import run_engine_jobs


@pytest.fixture
def case(start, investigation):
    """A claim; the investigation answers a request for the prosecutor's statement (stand-in)."""
    return start(PROCESS, as_user="clerk", data=APPLICATION)


def fire_at(case, clock, moment: datetime) -> int:
    clock.set(moment)
    return run_engine_jobs(case.api.app, "test-scheduler")["timers"]


def test_an_applicant_who_does_not_answer_in_time_is_decided_on_the_information_available(case, clock):
    register(case, documents_attached=["payment_details"])
    data = case.data
    assert data["request_due"] == "2027-01-11T22:00:00+00:00"  # 7 days from Monday 4 January
    assert data["reply_due"] == "2027-01-26T22:00:00+00:00"  # 7 + 15 days
    task = case.task("request_documents")
    assert task["due_at"].startswith("2027-01-26T22:00:00")
    assert fire_at(case, clock, datetime(2027, 1, 26, 21, 59, tzinfo=UTC)) == 0
    assert case.ready_elements() == ["request_documents"]
    assert fire_at(case, clock, datetime(2027, 1, 26, 22, 0, tzinfo=UTC)) == 1
    assert case.ready_elements() == ["refuse_ineligible"]
    data = case.data
    assert data["applicant_replied"] is False
    # The prosecutor's statement came from the investigation; the proof of harm never came.
    assert data["eligibility_problems"] == ["documents still missing: proof_of_harm"]
    assert data["compensation_amount"] is None


def test_an_answer_in_time_cancels_the_reply_timer(case, clock):
    register(case, documents_attached=["payment_details"])
    clock.set(datetime(2027, 1, 20, 9, tzinfo=UTC))
    case.do("request_documents", {"request_sent_on": "2027-01-05", "applicant_replied": True,
                                  "documents_attached": ["prosecutor_statement", "proof_of_harm", "payment_details"]},
            as_user="clerk")
    assert case.ready_elements() == ["decide_claim"]
    assert fire_at(case, clock, datetime(2027, 1, 27, tzinfo=UTC)) == 0
    assert case.ready_elements() == ["decide_claim"]


def test_a_payment_not_made_within_a_month_is_chased_and_still_paid(case, clock):
    register(case)
    case.do("decide_claim", APPROVE, as_user="comp_officer")  # decided on 5 January 2027
    assert fire_at(case, clock, datetime(2027, 2, 5, 21, 59, tzinfo=UTC)) == 0
    assert case.ready_elements() == ["notify_award", "pay_compensation"]
    assert fire_at(case, clock, datetime(2027, 2, 5, 22, 0, tzinfo=UTC)) == 1  # 1 month: Friday 5 February
    assert case.ready_elements() == ["chase_payment", "notify_award", "pay_compensation"]
    shown = case.api.get(f"/api/v1/tasks/{case.task('chase_payment')['id']}?lang=en", as_user="comp_officer").json
    assert "3510.00 EUR decided on 2027-01-05" in shown["instructions"].replace("\\", "")
    case.do("chase_payment", {"chase_action": "Atgādināts finanšu nodaļai.", "chased_on": "2027-02-08"},
            as_user="comp_officer")
    case.do("pay_compensation", PAY, as_user="comp_officer")
    case.do("notify_award", NOTIFY, as_user="clerk")
    case.do("record_appeal_award", {"appealed": False}, as_user="clerk")
    instance = case.instance()
    assert instance["status"] == "completed"
    assert instance["data"]["payment_reference"] == PAY["payment_reference"]


def test_a_payment_in_time_is_never_chased(case, clock):
    register(case)
    case.do("decide_claim", APPROVE, as_user="comp_officer")
    case.do("pay_compensation", PAY, as_user="comp_officer")
    assert fire_at(case, clock, datetime(2027, 3, 1, tzinfo=UTC)) == 0
    assert case.ready_elements() == ["notify_award"]


# --- the 1-month decision clock, suspended while information is awaited ---------------------

ALL_DOCUMENTS = ["prosecutor_statement", "proof_of_harm", "payment_details"]


def test_the_decision_clock_stands_still_while_the_applicant_is_asked(case, clock):
    register(case, documents_attached=["payment_details"])  # received and registered on Monday 4 January
    data = case.data
    assert data["decision_due"] == "2027-02-04T22:00:00+00:00"  # 1 month from receipt
    assert case.ready_elements() == ["request_documents"]
    assert data["clock_suspended_at"] == "2027-01-04T09:00:00+00:00"

    clock.set(datetime(2027, 1, 14, 9, tzinfo=UTC))  # the answer comes 10 days later
    case.do("request_documents", {"request_sent_on": "2027-01-05", "applicant_replied": True,
                                  "documents_attached": ALL_DOCUMENTS}, as_user="clerk")
    assert case.ready_elements() == ["decide_claim"]
    data = case.data
    assert data["decision_due"] == "2027-02-14T22:00:00+00:00"  # moved by the 10 days waited
    assert data["clock_suspended_days"] == 10
    assert "clock_suspended_at" not in data

    # Nothing fires at the original date ...
    assert fire_at(case, clock, datetime(2027, 2, 4, 22, 0, tzinfo=UTC)) == 0
    assert fire_at(case, clock, datetime(2027, 2, 14, 21, 59, tzinfo=UTC)) == 0
    assert case.ready_elements() == ["decide_claim"]
    # ... the reminder fires at the extended one, and the officer still decides.
    assert fire_at(case, clock, datetime(2027, 2, 14, 22, 0, tzinfo=UTC)) == 1
    assert case.ready_elements() == ["decide_claim", "decision_overdue"]
    shown = case.api.get(f"/api/v1/tasks/{case.task('decision_overdue')['id']}?lang=en", as_user="comp_officer").json
    assert "the decision was due by 2027-02-14T22:00:00+00:00" in shown["instructions"].replace("\\", "")
    case.do("decision_overdue", {"delay_reason": "Gaidām tiesu medicīnas atzinumu.",
                                 "decision_expected_on": "2027-02-20"}, as_user="comp_officer")
    case.do("decide_claim", {**APPROVE, "decided_on": "2027-02-15"}, as_user="comp_officer")
    assert case.ready_elements() == ["notify_award", "pay_compensation"]


def test_without_missing_information_the_reminder_fires_at_the_original_date(case, clock):
    register(case)
    assert case.data["decision_due"] == "2027-02-04T22:00:00+00:00"
    assert "clock_suspended_days" not in case.data
    assert fire_at(case, clock, datetime(2027, 2, 4, 21, 59, tzinfo=UTC)) == 0
    assert fire_at(case, clock, datetime(2027, 2, 4, 22, 0, tzinfo=UTC)) == 1
    assert case.ready_elements() == ["decide_claim", "decision_overdue"]


def test_a_decision_in_time_leaves_no_reminder(case, clock):
    register(case)
    case.do("decide_claim", APPROVE, as_user="comp_officer")
    assert fire_at(case, clock, datetime(2027, 2, 5, tzinfo=UTC)) == 0
    assert "decision_overdue" not in case.ready_elements()
