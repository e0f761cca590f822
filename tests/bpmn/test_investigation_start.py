"""The investigation's opening (KPL s.369-373): anonymous reports, start or refusal, the reporter's
10-day complaint window, the prosecutor's 10 days, and the two 24-hour hand-overs to the
supervising prosecutor with their escalations to the chief prosecutor."""

from __future__ import annotations

import pytest

from tests.bpmn.investigation_case import (
    CASE_NUMBER,
    REFUSE,
    REPORT,
    START,
    completed_elements,
    fire,
    move_to,
    opened,
    shown,
    start_case,
)

COMPLAINT = {"complaint_received_on": "2027-01-08", "complaint_text": "The laptop was stolen, not lost."}
ESCALATION = {"escalation_noted_at": "2027-01-20T10:00:00+02:00", "escalation_action": "Called the prosecutor."}


@pytest.fixture
def investigation(api, bundle):
    return api


def test_an_anonymous_report_starts_no_proceedings(investigation):
    case = start_case(investigation, {**REPORT, "anonymous": True})
    instance = case.instance()
    assert instance["status"] == "completed" and instance["business_key"] == CASE_NUMBER
    assert case.ready() == []


def test_a_start_decision_opens_the_investigation_and_its_clocks(investigation):
    case = start_case(investigation)
    [task] = case.ready(as_user="investigator")
    assert task["element_id"] == "decide_start" and task["role"] == "investigator"
    instructions = shown(case, "decide_start", "investigator")["instructions"]
    assert "L. Kalniņa" in instructions and CASE_NUMBER in instructions and "KL 175" in instructions
    case.do("decide_start", START, as_user="investigator")
    assert case.ready_elements() == ["record_action", "send_start_decision"]
    assert case.task("send_start_decision")["due_at"] == "2027-01-05T09:00:00+00:00"  # 24 h from the start
    assert case.refusal_status("prosecutor") == 404  # no prosecutor task yet: the case is not theirs


def to_refusal(api):
    case = start_case(api)
    case.do("decide_start", REFUSE, as_user="investigator")
    assert case.ready_elements() == ["notify_refusal"]
    case.do("notify_refusal", {"refusal_notified_on": "2027-01-04", "notified_how": "post"}, as_user="investigator")
    return case


def test_no_complaint_in_10_days_makes_the_refusal_final(investigation, clock):
    case = to_refusal(investigation)
    # 4 Jan + 10 days = Thursday 14 Jan, ending at 24:00 Riga time (22:00 UTC).
    assert case.task("record_complaint")["due_at"] == "2027-01-14T22:00:00+00:00"
    assert move_to(investigation, clock, "2027-01-14T21:59:00+00:00") == 0
    assert move_to(investigation, clock, "2027-01-14T22:00:00+00:00") == 1
    assert case.instance()["status"] == "completed"
    assert completed_elements(case) == ["decide_start", "notify_refusal"]


def test_an_upheld_complaint_starts_the_proceedings(investigation):
    case = to_refusal(investigation)
    case.do("record_complaint", COMPLAINT, as_user="investigator")
    task = case.task("decide_complaint")
    assert task["role"] == "prosecutor" and task["due_at"] == "2027-01-18T22:00:00+00:00"  # 18 Jan, a Monday
    case.do("decide_complaint", {"complaint_decision": "upheld", "complaint_decision_reason": "Theft is likely.",
                                 "complaint_decided_on": "2027-01-12"}, as_user="prosecutor")
    assert case.ready_elements() == ["record_action", "send_start_decision"]
    assert case.data["start_grounds"] == "Theft is likely."


def test_a_dismissed_complaint_ends_the_case(investigation):
    case = to_refusal(investigation)
    case.do("record_complaint", COMPLAINT, as_user="investigator")
    case.do("decide_complaint", {"complaint_decision": "dismissed", "complaint_decision_reason": "Lost, not stolen.",
                                 "complaint_decided_on": "2027-01-12"}, as_user="prosecutor")
    assert case.instance()["status"] == "completed"


def test_a_complaint_undecided_after_10_days_goes_to_the_chief_prosecutor(investigation, clock):
    case = to_refusal(investigation)
    case.do("record_complaint", COMPLAINT, as_user="investigator")
    assert move_to(investigation, clock, "2027-01-18T21:59:00+00:00") == 0
    assert move_to(investigation, clock, "2027-01-18T22:00:00+00:00") == 1
    assert case.ready_elements() == ["complaint_overdue", "decide_complaint"]  # the prosecutor's task stays open
    assert case.task("complaint_overdue")["role"] == "chief_prosecutor"
    case.do("complaint_overdue", ESCALATION, as_user="chief")
    case.do("decide_complaint", {"complaint_decision": "dismissed", "complaint_decision_reason": "Lost.",
                                 "complaint_decided_on": "2027-01-19"}, as_user="prosecutor")
    assert case.instance()["status"] == "completed"


def test_the_start_decision_and_the_supervisor_in_time_escalate_nothing(investigation, clock):
    case = opened(investigation)
    case.do("send_start_decision", {"start_decision_sent_at": "2027-01-04T12:00:00+02:00",
                                    "prosecution_office": "PROSECUTION:RIGA", "reporter_informed": True},
            as_user="investigator")
    task = case.task("name_supervisor")
    assert task["role"] == "prosecutor" and task["due_at"] == "2027-01-05T10:00:00+00:00"
    case.do("name_supervisor", {"supervising_prosecutor": "prosecutor",
                                "supervisor_named_at": "2027-01-04T15:00:00+02:00"}, as_user="prosecutor")
    assert move_to(investigation, clock, "2027-01-06T12:00:00+00:00") == 0
    assert case.ready_elements() == ["record_action"]


@pytest.mark.parametrize(
    ("late", "escalation", "still_open"),
    [
        pytest.param("2027-01-05T09:00:00+00:00", "start_decision_overdue", "send_start_decision",
                     id="start decision not sent in 24 h"),
        pytest.param("2027-01-05T10:00:00+00:00", "supervisor_overdue", "name_supervisor",
                     id="no supervising prosecutor in 24 h"),
    ],
)
def test_a_late_hand_over_is_escalated_and_stays_open(investigation, clock, late, escalation, still_open):
    case = opened(investigation)
    if still_open == "name_supervisor":
        case.do("send_start_decision", {"start_decision_sent_at": "2027-01-04T10:00:00+00:00",
                                        "prosecution_office": "PROSECUTION:RIGA", "reporter_informed": True},
                as_user="investigator")
    before = late.replace("T09:00", "T08:59").replace("T10:00", "T09:59")
    assert move_to(investigation, clock, before) == 0
    assert move_to(investigation, clock, late) == 1
    assert sorted(case.ready_elements()) == sorted(["record_action", escalation, still_open])
    task = shown(case, escalation, "chief")
    assert task["role"] == "chief_prosecutor" and CASE_NUMBER in task["instructions"]
    case.do(escalation, ESCALATION, as_user="chief")
    assert fire(investigation) == 0
    assert still_open in case.ready_elements()


def test_only_an_investigator_opens_a_case(investigation):
    refused = investigation.start("investigation", as_user="prosecutor", data=REPORT, business_key=CASE_NUMBER)
    assert refused.status_code == 403, refused.json


@pytest.mark.parametrize(
    ("language", "errors"),
    [
        ("lv", [{"field": "/case_number", "message": "Lietas numurs ir 11 cipari."},
                {"field": "/reporter_kind", "message": "lauks ir obligāts"}]),
        ("en", [{"field": "/case_number", "message": "A case number is 11 digits."},
                {"field": "/reporter_kind", "message": "this field is required"}]),
    ],
)
def test_the_start_form_refuses_a_bad_report_in_the_users_language(investigation, language, errors):
    report = {key: value for key, value in REPORT.items() if key != "reporter_kind"}
    response = investigation.client.post(
        "/api/v1/process-instances", headers={**investigation.headers("investigator"), "Accept-Language": language},
        json={"process_id": "investigation", "data": {**report, "case_number": "118-16"}, "business_key": "x"})
    assert response.status_code == 422
    assert sorted(response.json["errors"], key=lambda e: e["field"]) == errors
    assert investigation.get("/api/v1/process-instances?process_id=investigation").json == []
