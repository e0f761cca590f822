"""`bpmn/legal_aid_appointment.bpmn`: who may do each task, and the forms refusing bad input with
field errors. The cases and their path come from `test_legal_aid_appointment`."""

from __future__ import annotations

import pytest

from tests.bpmn.test_legal_aid_appointment import (
    ACCEPT,
    ADVOCATES,
    CONFIRM,
    GROUNDS_MET,
    INFORM,
    PROCESS,
    RECORD,
    REQUEST,
    USER_OF,
    add_advocate,
    to_proposal,
)


@pytest.fixture
def case(start, api):
    for code, *rest in ADVOCATES:
        add_advocate(api, code, *rest)
    return start(PROCESS, as_user="investigator")


@pytest.mark.parametrize(
    ("element", "wrong_user", "right_user"),
    [
        ("register_request", "officer", "investigator"),
        ("assess_grounds", "clerk", "officer"),
        ("assess_grounds", "investigator", "officer"),
        ("confirm_advocate", "advocate_a", "officer"),
        ("confirm_advocate", "investigator", "officer"),
        ("advocate_response", "officer", "advocate_a"),
        ("advocate_response", "investigator", "advocate_a"),
        ("record_appointment", "advocate_a", "officer"),
        ("inform_person", "officer", "investigator"),
    ],
)
def test_only_the_lane_role_completes_a_task(case, element, wrong_user, right_user):
    path = [
        ("register_request", REQUEST, "investigator"),
        ("assess_grounds", GROUNDS_MET, "officer"),
        ("confirm_advocate", CONFIRM, "officer"),
        ("advocate_response", ACCEPT, "advocate_a"),
        ("record_appointment", RECORD, "officer"),
        ("inform_person", INFORM, "investigator"),
    ]
    for step, data, user in path:
        if step == element:
            refused = case.complete(step, data, as_user=wrong_user)
            assert refused.status_code == case.refusal_status(wrong_user), refused.json
            assert element in case.ready_elements()
            case.do(step, data, as_user=right_user)
            break
        case.do(step, data, as_user=user)


def test_lane_roles_see_their_own_inbox(case):
    assert [t["element_id"] for t in case.ready("investigator")] == ["register_request"]
    assert case.ready("officer") == []
    assert case.ready("clerk") == []
    to_proposal(case)
    assert [t["element_id"] for t in case.ready("officer")] == ["confirm_advocate"]
    assert case.ready("advocate_a") == []
    confirm = case.task("confirm_advocate")
    assert confirm["lane"] == "Legal aid officer"
    assert confirm["form_schema"]["title"] == "Confirm the proposed advocate"
    assert "assignment_explanation" in confirm["form_schema"]["description"]
    assert "assignment_explanation" in confirm["ui_schema"]["ui:description"]
    case.do("confirm_advocate", CONFIRM, as_user="officer")
    proposed = case.data["advocate_username"]
    others = sorted({user for user in USER_OF.values() if user and user != proposed})
    assert [t["element_id"] for t in case.ready(proposed)] == ["advocate_response"]
    for other in others:  # the offer is for the proposed advocate only (lane_owners)
        assert case.ready(other) == []
    assert case.ready("officer") == []
    task = case.task("advocate_response")
    assert task["lane"] == "Advocate"
    assert task["role"] == "advocate"
    assert task["candidates"] == [proposed]
    assert task["form_schema"]["title"] == "Accept or decline the appointment"
    assert task["ui_schema"]["advocate_response"] == {"ui:widget": "radio"}


# --- invalid form data -----------------------------------------------------------------------


def _request_without(*fields: str) -> dict:
    return {k: v for k, v in REQUEST.items() if k not in fields}


INVALID = [
    pytest.param("register_request", _request_without("case_number", "court_territory"),
                 {"/case_number", "/court_territory"}, id="request: required fields"),
    pytest.param("register_request", {**REQUEST, "detained": True}, {"/detained_at"},
                 id="request: detained without time of detention"),
    pytest.param("register_request", {**REQUEST, "detained": True, "detained_at": "2027-01-04 07:30"},
                 {"/detained_at"}, id="request: detention time without zone"),
    pytest.param("register_request", {**REQUEST, "court_territory": "tallinn"}, {"/court_territory"},
                 id="request: unknown court territory"),
    pytest.param("register_request", {**REQUEST, "defence_grounds": []}, {"/defence_grounds"},
                 id="request: no ground"),
    pytest.param("register_request", {**REQUEST, "defence_grounds": ["because"]}, {"/defence_grounds/0"},
                 id="request: unknown ground"),
    pytest.param("register_request", {**REQUEST, "language": "Latvian"}, {"/language"}, id="request: language"),
    pytest.param("register_request", {**REQUEST, "urgent": True}, {"/urgent"},
                 id="request: field the form does not define"),
    pytest.param("assess_grounds", {"grounds_met": False, "legal_basis": "KPL s.84", "assessment_note": "n/a"},
                 {"/refusal_reason"}, id="assess: refusal without reason"),
    pytest.param("assess_grounds", {"grounds_met": "yes", "legal_basis": "KPL s.83"}, {"/grounds_met"},
                 id="assess: not a boolean"),
    pytest.param("confirm_advocate", {"proposal_decision": "reject", "rejection_reason": "other"},
                 {"/rejection_explanation"}, id="confirm: rejection without explanation"),
    pytest.param("confirm_advocate", {"proposal_decision": "maybe"}, {"/proposal_decision"},
                 id="confirm: unknown decision"),
    pytest.param("confirm_advocate", {"proposal_decision": "confirm", "advocate_id": "adv-kurz"}, {"/advocate_id"},
                 id="confirm: the proposal cannot be overwritten by hand"),
    pytest.param("advocate_response", {"advocate_response": "accept"}, {"/no_conflict_of_interest"},
                 id="respond: accept without conflict check"),
    pytest.param("advocate_response", {"advocate_response": "accept", "no_conflict_of_interest": False},
                 {"/no_conflict_of_interest"}, id="respond: accept with a conflict"),
    pytest.param("advocate_response", {"advocate_response": "decline", "decline_explanation": "busy"},
                 {"/decline_reason"}, id="respond: decline without reason"),
    pytest.param("advocate_response", {"advocate_response": "maybe"}, {"/advocate_response"},
                 id="respond: unknown answer"),
]

PATH_TO = {
    "register_request": [],
    "assess_grounds": [("register_request", REQUEST, "investigator")],
    "confirm_advocate": [("register_request", REQUEST, "investigator"), ("assess_grounds", GROUNDS_MET, "officer")],
    "advocate_response": [
        ("register_request", REQUEST, "investigator"),
        ("assess_grounds", GROUNDS_MET, "officer"),
        ("confirm_advocate", CONFIRM, "officer"),
    ],
}
LANE_USER = {
    "register_request": "investigator", "assess_grounds": "officer", "confirm_advocate": "officer",
    "advocate_response": "advocate_a",
}


@pytest.mark.parametrize(("element", "data", "fields"), INVALID)
def test_invalid_form_data_is_refused_with_field_errors(case, element, data, fields):
    for step, step_data, user in PATH_TO[element]:
        case.do(step, step_data, as_user=user)
    before = case.data
    refused = case.complete(element, data, as_user=LANE_USER[element])
    assert refused.status_code == 422, refused.json
    assert {error["field"] for error in refused.json["errors"]} == fields
    assert all(error["message"] for error in refused.json["errors"])
    # Nothing moved and nothing was stored.
    assert case.ready_elements() == [element]
    assert case.data == before
