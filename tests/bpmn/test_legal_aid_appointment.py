"""`bpmn/legal_aid_appointment.bpmn` through the HTTP API: every branch, as the users of each lane."""

from __future__ import annotations

import pytest

from engine.deadlines import working_days_deadline
from tests.conftest import START

PROCESS = "legal_aid_appointment"

REQUEST = {
    "case_number": "11816001234",
    "requested_by": "Inspector A. Ozola, State Police",
    "person_name": "J. Bērziņš",
    "person_is_minor": False,
    "court_territory": "riga",
    "defence_grounds": ["person_requests_defence"],
    "detained": False,
    "procedural_situation": "other_procedural_action",
    "language": "lv",
    "interpreter_needed": False,
    "request_reason": "The suspect asks for a defence lawyer before the next questioning.",
}
GROUNDS_MET = {"grounds_met": True, "legal_basis": "KPL s.83(1)"}
ADVOCATES = {
    "advocate_a": "A. Kalniņa",
    "advocate_b": "B. Liepa",
    "advocate_c": "C. Ozols",
}
ACCEPT = {"advocate_response": "accept", "no_conflict_of_interest": True}
RECORD = {"appointment_number": "JPA-2027/15", "appointed_on": "2027-01-04", "register_entry": "VNJPR-77"}
INFORM = {"person_informed_at": "2027-01-04T12:00:00+02:00", "informed_how": "in_person"}


def decline(reason: str = "unavailable") -> dict:
    return {"advocate_response": "decline", "decline_reason": reason, "decline_explanation": "In court all week."}


def select(username: str) -> dict:
    return {"advocate_id": username, "advocate_name": ADVOCATES[username]}


@pytest.fixture
def case(start):
    return start(PROCESS, as_user="investigator")


def to_grounds(case, **request) -> None:
    case.do("register_request", {**REQUEST, **request}, as_user="investigator")


def to_selection(case) -> None:
    to_grounds(case)
    case.do("assess_grounds", GROUNDS_MET, as_user="officer")


def to_response(case, advocate: str = "advocate_a") -> None:
    to_selection(case)
    case.do("select_advocate", select(advocate), as_user="officer")


# --- urgency ---------------------------------------------------------------------------------

SAME_DAY = working_days_deadline(START, 0).isoformat()
THREE_WORKING_DAYS = working_days_deadline(START, 3).isoformat()


@pytest.mark.parametrize(
    ("request_fields", "urgent", "nomination_due", "detention_ends_at"),
    [
        pytest.param(
            {"detained": True, "detained_at": "2027-01-04T07:30:00Z", "procedural_situation": "first_questioning"},
            True, "2027-01-06T07:30:00+00:00", "2027-01-06T07:30:00+00:00", id="detained: 48 h clock",
        ),
        pytest.param(
            {"detained": True, "detained_at": "2027-01-04T10:00:00+02:00"},
            True, "2027-01-06T10:00:00+02:00", "2027-01-06T10:00:00+02:00", id="detained, Riga time",
        ),
        pytest.param({"procedural_situation": "detention_hearing"}, True, SAME_DAY, None, id="detention hearing"),
        pytest.param({"procedural_situation": "first_questioning"}, True, SAME_DAY, None, id="first questioning"),
        pytest.param({}, False, THREE_WORKING_DAYS, None, id="not urgent: 3 working days"),
    ],
)
def test_urgency_and_nomination_deadline(case, request_fields, urgent, nomination_due, detention_ends_at):
    to_grounds(case, **request_fields)
    data = case.data
    assert data["urgent"] is urgent
    assert data["nomination_due"] == nomination_due
    assert data["detention_ends_at"] == detention_ends_at
    assert data["declined_advocates"] == []
    assert case.ready_elements() == ["assess_grounds"]
    # The script's figures are not left in the case data.
    assert not {"NOMINATION_WORKING_DAYS", "DETENTION_HOURS", "URGENT_SITUATIONS"} & set(data)


def test_three_working_days_skip_the_weekend():
    # 4 Jan 2027 is a Monday: Thursday 7 Jan ends at 24:00 Riga time (22:00 UTC).
    assert THREE_WORKING_DAYS == "2027-01-07T22:00:00+00:00"


@pytest.mark.parametrize(
    ("request_fields", "mandatory"),
    [
        ({"defence_grounds": ["person_requests_defence"]}, False),
        ({"defence_grounds": ["mandatory_plea_agreement"]}, True),
        ({"defence_grounds": ["mandatory_cannot_exercise_rights", "person_requests_defence"]}, True),
        ({"defence_grounds": ["mandatory_minor"], "person_is_minor": True}, True),
        ({"defence_grounds": ["person_requests_defence"], "person_is_minor": True}, True),
    ],
)
def test_mandatory_defence_flag(case, request_fields, mandatory):
    to_grounds(case, **request_fields)
    assert case.data["mandatory_defence"] is mandatory


# --- grounds not met -------------------------------------------------------------------------


def test_grounds_not_met_ends_with_the_refusal_reason(case):
    to_grounds(case)
    reason = "The person has chosen a defence lawyer of their own (contract of 2 January 2027)."
    case.do("assess_grounds", {"grounds_met": False, "legal_basis": "KPL s.84", "refusal_reason": reason},
            as_user="officer")
    instance = case.instance()
    assert instance["status"] == "completed"
    assert instance["ready_tasks"] == []
    assert instance["data"]["grounds_met"] is False
    assert instance["data"]["refusal_reason"] == reason
    assert "advocate_id" not in instance["data"]


# --- selection, declines, acceptance ---------------------------------------------------------


@pytest.mark.parametrize("declines", [0, 1, 2])
def test_declined_advocates_accumulate_until_one_accepts(case, declines):
    to_selection(case)
    order = list(ADVOCATES)
    for username in order[:declines]:
        case.do("select_advocate", select(username), as_user="officer")
        case.do("advocate_response", decline(), as_user=username)
        assert case.ready_elements() == ["select_advocate"]
    chosen = order[declines]
    case.do("select_advocate", select(chosen), as_user="officer")
    case.do("advocate_response", ACCEPT, as_user=chosen)

    # Recording and informing run in parallel, in two lanes.
    assert case.ready_elements() == ["inform_person", "record_appointment"]
    case.do("record_appointment", RECORD, as_user="officer")
    assert case.ready_elements() == ["inform_person"]
    case.do("inform_person", INFORM, as_user="investigator")

    instance = case.instance()
    assert instance["status"] == "completed"
    data = instance["data"]
    assert data["advocate_id"] == chosen
    assert data["advocate_response"] == "accept"
    assert data["no_conflict_of_interest"] is True
    assert data["declined_advocate_ids"] == order[:declines]
    assert data["declined_advocates"] == [
        {"advocate_id": u, "advocate_name": ADVOCATES[u], "reason": "unavailable", "explanation": "In court all week."}
        for u in order[:declines]
    ]
    # Both parallel branches' data reached the end.
    assert data["register_entry"] == "VNJPR-77"
    assert data["informed_how"] == "in_person"
    # The last decline's answer does not linger next to the acceptance.
    assert "decline_reason" not in data


@pytest.mark.parametrize("first", ["record_appointment", "inform_person"])
def test_parallel_branches_complete_in_either_order(case, first):
    to_response(case)
    case.do("advocate_response", ACCEPT, as_user="advocate_a")
    steps = {"record_appointment": (RECORD, "officer"), "inform_person": (INFORM, "investigator")}
    second = next(element for element in steps if element != first)
    case.do(first, *steps[first])
    assert case.instance()["status"] == "running"
    case.do(second, *steps[second])
    assert case.instance()["status"] == "completed"


def test_an_advocate_who_declined_cannot_be_selected_again(case):
    to_response(case, "advocate_a")
    case.do("advocate_response", decline("conflict_of_interest"), as_user="advocate_a")
    case.do("select_advocate", select("advocate_a"), as_user="officer")

    # Sent back to the selection, with the reason.
    assert case.ready_elements() == ["select_advocate"]
    data = case.data
    assert data["selection_repeats_decline"] is True
    assert "already declined" in data["selection_warning"]

    case.do("select_advocate", select("advocate_b"), as_user="officer")
    assert case.ready_elements() == ["advocate_response"]
    assert case.data["selection_warning"] is None
    case.do("advocate_response", ACCEPT, as_user="advocate_b")
    assert case.ready_elements() == ["inform_person", "record_appointment"]
    assert case.data["declined_advocate_ids"] == ["advocate_a"]


# --- who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "wrong_user", "right_user"),
    [
        ("register_request", "officer", "investigator"),
        ("assess_grounds", "clerk", "officer"),
        ("assess_grounds", "investigator", "officer"),
        ("select_advocate", "advocate_a", "officer"),
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
        ("select_advocate", select("advocate_a"), "officer"),
        ("advocate_response", ACCEPT, "advocate_a"),
        ("record_appointment", RECORD, "officer"),
        ("inform_person", INFORM, "investigator"),
    ]
    for step, data, user in path:
        if step == element:
            refused = case.complete(step, data, as_user=wrong_user)
            assert refused.status_code == 403, refused.json
            assert element in case.ready_elements()
            case.do(step, data, as_user=right_user)
            break
        case.do(step, data, as_user=user)


def test_lane_roles_see_their_own_inbox(case):
    assert [t["element_id"] for t in case.ready("investigator")] == ["register_request"]
    assert case.ready("officer") == []
    assert case.ready("clerk") == []
    to_response(case)
    assert [t["element_id"] for t in case.ready("advocate_b")] == ["advocate_response"]
    assert case.ready("officer") == []
    task = case.task("advocate_response")
    assert task["lane"] == "Advocate"
    assert task["role"] == "advocate"
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
    pytest.param("select_advocate", {"advocate_id": "Advocate A", "advocate_name": "A"}, {"/advocate_id"},
                 id="select: malformed user name"),
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
    "select_advocate": [("register_request", REQUEST, "investigator"), ("assess_grounds", GROUNDS_MET, "officer")],
    "advocate_response": [
        ("register_request", REQUEST, "investigator"),
        ("assess_grounds", GROUNDS_MET, "officer"),
        ("select_advocate", select("advocate_a"), "officer"),
    ],
}
LANE_USER = {
    "register_request": "investigator", "assess_grounds": "officer", "select_advocate": "officer",
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
