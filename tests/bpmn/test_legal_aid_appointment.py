"""`legal_aid_appointment` started by the requesting institution's message: urgent and ordinary
requests to the appointment, the answer sent back, and who is offered which step."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.deadlines import hours_deadline, working_days_deadline
from tests.bpmn.legal_aid_support import (
    ACCEPT,
    CASE_NUMBER,
    CONFIRM,
    PAY,
    advocates,
    answer,
    history,
    request_legal_aid,
    sent_messages,
)
from tests.conftest import START

__all__ = ["advocates"]  # the fixture, used by name


def test_an_urgent_request_goes_from_the_duty_proposal_to_the_advocate_and_the_result_goes_back(api, bundle, advocates):
    case, payload = request_legal_aid(api, urgency="urgent", reason="detention", person={"detained": True})
    data = case.data
    assert (data["urgent"], data["proposal_round"], data["reply_expected"]) == (True, 1, True)
    assert data["nomination_due"] == hours_deadline(START, 6).isoformat()
    assert data["response_due"] == hours_deadline(START, 2).isoformat()  # answered within hours
    assert data["advocate_id"] == "adv-riga-a" and data["interpreter_needed"] is False
    # No elder in between: the proposed advocate, and only they, is offered the answer.
    [task] = case.ready()
    assert task["element_id"] == "advocate_response" and task["candidates"] == ["advocate_a"]
    assert task["due_at"].startswith(data["response_due"][:16])
    assert case.refusal_status("advocate_b") == 404
    answer(case, ACCEPT)
    case.do("decide_state_payment", PAY, as_user="judge_riga")
    assert case.instance()["status"] == "completed"

    [result] = sent_messages(case, "legal_aid_result")
    assert result["correlation"] == {"case_number": CASE_NUMBER, "request_id": payload["request_id"]}
    assert result["payload"] == {
        "case_number": CASE_NUMBER, "request_id": payload["request_id"], "outcome": "appointed",
        "advocate_id": "adv-riga-a", "advocate_name": "A. Kalniņa", "interpreter_needed": False,
        "interpreter_language": None, "state_payment": True,
    }
    # Nobody here waits for the answer (the investigation is another helper's process): buffered.
    assert result["status"] == "buffered" and result["delivered_to"] == []
    events = [entry["event"] for entry in history(case)]
    assert events[-1] == "message_sent"
    assert {"instance_started", "message_delivered", "defence_lawyer_assigned"} <= set(events[:-1])


@pytest.mark.parametrize("reason", ["detention", "first_questioning", "detention_hearing"])
def test_the_urgent_reasons_make_an_ordinary_request_urgent(api, bundle, advocates, reason):
    case, _ = request_legal_aid(api, reason=reason)
    assert case.data["urgent"] is True
    assert case.ready_elements() == ["advocate_response"]


def test_an_ordinary_request_passes_the_elder_of_the_territory(api, bundle, advocates):
    case, payload = request_legal_aid(api)
    data = case.data
    assert data["urgent"] is False
    assert data["nomination_due"] == working_days_deadline(START, 3).isoformat()
    [task] = case.ready()
    assert task["element_id"] == "elder_review"
    assert data["lane_units"] == {"Elder of sworn advocates": "BAR:RIGA", "Judge": "COURT:RIGA"}
    assert "A. Kalniņa" in case.api.get(f"/api/v1/tasks/{task['id']}", as_user="elder_riga").json["instructions"]
    # The Kurzeme elder is not offered a Rīga case.
    assert case.refusal_status("elder_kurzeme") == 404
    case.do("elder_review", CONFIRM, as_user="elder_riga")
    assert case.data["response_due"] == working_days_deadline(START, 1).isoformat()
    answer(case, ACCEPT)
    # The state-payment decision belongs to a judge of the territory's court.
    assert case.task("decide_state_payment")["role"] == "judge"
    case.do("decide_state_payment", {**PAY, "state_payment": False}, as_user="judge_riga")
    [result] = sent_messages(case, "legal_aid_result")
    assert (result["payload"]["outcome"], result["payload"]["state_payment"]) == ("appointed", False)
    assert result["payload"]["request_id"] == payload["request_id"]


def test_no_advocate_speaks_the_language_so_an_interpreter_is_needed(api, bundle, advocates):
    case, _ = request_legal_aid(api, urgency="urgent", person={"language": "de"})
    data = case.data
    assert (data["interpreter_needed"], data["interpreter_language"]) == (True, "de")
    answer(case, ACCEPT)
    case.do("decide_state_payment", PAY, as_user="judge_riga")
    [result] = sent_messages(case, "legal_aid_result")
    assert (result["payload"]["interpreter_needed"], result["payload"]["interpreter_language"]) == (True, "de")


def test_the_persons_language_is_preferred_when_an_advocate_speaks_it(api, bundle, advocates):
    case, _ = request_legal_aid(api, urgency="urgent", person={"language": "ru"})
    assert (case.data["advocate_id"], case.data["interpreter_needed"]) == ("adv-riga-b", False)


def test_a_request_breaking_the_contract_starts_nothing(api, bundle, advocates):
    from tests.bpmn.legal_aid_support import post_message, request_payload

    bad = request_payload(urgency="soon")
    response = post_message(api, "legal_aid_request", bad)
    assert response.status_code == 422, response.json
    assert any(error["field"].startswith("/payload/urgency") for error in response.json["errors"])
    assert api.get("/api/v1/process-instances?process_id=legal_aid_appointment").json == []


def test_two_requests_in_one_case_run_side_by_side(api, bundle, advocates, clock):
    first, one = request_legal_aid(api, urgency="urgent")
    clock.advance(timedelta(minutes=5))
    second, two = request_legal_aid(api, urgency="urgent", person={"name": "K. Ozola"})
    assert first.id != second.id and one["request_id"] != two["request_id"]
    assert first.instance()["business_key"] == second.instance()["business_key"] == CASE_NUMBER
    # Fair rotation: the second request of the day goes to another advocate.
    assert first.data["advocate_id"] != second.data["advocate_id"]
