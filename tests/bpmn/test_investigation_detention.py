"""Detention (KPL s.268): the 48-hour clock, a release when it runs out, and the urgent request for a
defence lawyer sent to legal_aid_appointment, answered by legal_aid_result."""

from __future__ import annotations

import pytest

from tests.bpmn.investigation_case import (
    CASE_NUMBER,
    DETAINED,
    DETAINED_AT,
    events,
    move_to,
    opened,
    reply,
    sent,
    shown,
    supervised,
)

DECIDED = {"suspect_status_decided_at": "2027-01-05T10:00:00+02:00", "security_measure": "police_supervision",
           "measure_reason": "Permanent address, no risk of flight."}
REQUEST_ID = f"{CASE_NUMBER}/legal-aid/{DETAINED_AT}"
RESULT = {"case_number": CASE_NUMBER, "request_id": REQUEST_ID, "outcome": "appointed", "advocate_id": "adv-riga-b",
          "advocate_name": "B. Liepa", "interpreter_needed": True, "interpreter_language": "ru",
          "state_payment": True}


@pytest.fixture
def detained(api, bundle):
    return supervised(opened(api, DETAINED))


def test_a_detention_asks_for_an_urgent_defence_lawyer_at_once(detained):
    [request] = sent(detained, "legal_aid_request")
    assert request["correlation"] == {"case_number": CASE_NUMBER, "request_id": REQUEST_ID}
    [envelope_sent] = [e for e in events(detained, "message_sent") if e["data"]["name"] == "legal_aid_request"]
    assert envelope_sent["data"]["envelope"]["receivers"] == ["legal_aid_appointment"]
    assert envelope_sent["data"]["envelope"]["sender"]["process_id"] == "investigation"


def test_the_request_carries_the_contracts_payload(detained, api):
    with api.app.app_context():
        from sqlalchemy import select

        from engine.models import Message
        from webapp.extensions import db

        [row] = db.session.scalars(select(Message).where(Message.name == "legal_aid_request")).all()
        assert row.payload == {
            "case_number": CASE_NUMBER, "request_id": REQUEST_ID,
            "person": {"name": "J. Bērziņš", "language": "ru", "detained": True},
            "urgency": "urgent", "reason": "detention", "court_territory": "riga", "mandatory_defence": False,
            "requested_by": "investigation",
        }


def test_the_lawyers_name_reaches_the_detained_person(detained, api):
    assert "inform_detainee_of_lawyer" not in detained.ready_elements()
    stranger = reply(api, "legal_aid_result", {**RESULT, "request_id": "another-request"})
    assert stranger["status"] == "buffered"  # another request's answer does not reach this wait
    answer = reply(api, "legal_aid_result", RESULT)
    assert answer == {"status": "delivered", "delivered_to": [detained.id]}
    task = shown(detained, "inform_detainee_of_lawyer", "investigator")
    assert "B. Liepa" in task["instructions"] and "(ru)" in task["instructions"]
    detained.do("inform_detainee_of_lawyer", {"detainee_informed_at": "2027-01-04T12:00:00+02:00",
                                              "interpreter_arranged": True}, as_user="investigator")
    assert "inform_detainee_of_lawyer" not in detained.ready_elements()
    [delivered] = events(detained, "message_delivered")
    assert delivered["data"]["name"] == "legal_aid_result"


def test_status_and_measure_decided_within_48_hours(detained, api, clock):
    task = detained.task("decide_detention")
    assert task["due_at"] == "2027-01-06T07:00:00+00:00"
    detained.do("decide_detention", DECIDED, as_user="investigator")
    assert move_to(api, clock, "2027-01-06T07:00:00+00:00") == 0  # nothing left to run out
    assert "release_detainee" not in detained.ready_elements()


def test_when_the_48_hours_run_out_the_person_is_released(detained, api, clock):
    assert move_to(api, clock, "2027-01-06T06:59:00+00:00") == 0
    assert "decide_detention" in detained.ready_elements()
    assert move_to(api, clock, "2027-01-06T07:00:00+00:00") == 1
    elements = detained.ready_elements()
    assert "decide_detention" not in elements and "release_detainee" in elements
    detained.do("release_detainee", {"released_at": "2027-01-06T09:05:00+02:00"}, as_user="investigator")
    assert "release_detainee" not in detained.ready_elements()
    assert detained.instance()["status"] == "running"  # the investigation itself goes on


def test_nobody_detained_sends_no_request(api, bundle):
    case = opened(api)
    assert sent(case, "legal_aid_request") == []
    assert "decide_detention" not in case.ready_elements()
