"""`bpmn/legal_aid_appointment.bpmn` through the HTTP API: every branch, as the users of each lane.

The advocate is chosen by the `assign_defence_lawyer` service task from the advocates' register,
so every case here runs against advocates created through the real API (or the demo seed CLI)."""

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
CONFIRM = {"proposal_decision": "confirm"}
REJECT = {
    "proposal_decision": "reject", "rejection_reason": "conflict_of_interest",
    "rejection_explanation": "Defends the co-accused in case 11816001200.",
}
ACCEPT = {"advocate_response": "accept", "no_conflict_of_interest": True}
RECORD = {"appointment_number": "JPA-2027/15", "appointed_on": "2027-01-04", "register_entry": "VNJPR-77"}
INFORM = {"person_informed_at": "2027-01-04T12:00:00+02:00", "informed_how": "in_person"}

# The register: (code, name, territories, languages, juvenile, office location (km from Rīga), user).
# For a Rīga request (made from the court's seat, 0/0) the equally loaded candidates rank by distance.
ADVOCATES = [
    ("adv-riga-a", "A. Kalniņa", ["Rīga"], ["lv"], False, [0, 0], "advocate_a"),
    ("adv-riga-b", "B. Liepa", ["Rīga"], ["lv", "ru"], False, [4, 0], "advocate_b"),
    ("adv-riga-c", "C. Ozols", ["riga"], ["en", "lv"], True, [8, 0], "advocate_c"),
    ("adv-kurz", "D. Kļaviņa", ["Kurzeme"], ["lv", "ru"], True, [-188, -49], None),
]
NAMES = {code: name for code, name, *_ in ADVOCATES}
USER_OF = {code: user for code, *_, user in ADVOCATES}


def decline(reason: str = "unavailable") -> dict:
    return {"advocate_response": "decline", "decline_reason": reason, "decline_explanation": "In court all week."}


def add_advocate(api, code, name, territories, languages, juvenile=False, location=(0, 0), user=None) -> int:
    body = {"code": code, "full_name": name, "territories": territories, "languages": languages,
            "juvenile": juvenile, "daily_capacity": 3, "office_location": list(location)}
    if user:
        body["user"] = user
    response = api.post("/api/v1/advocates", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def advocates(api) -> dict[str, int]:
    """The register, created by an admin through the advocates API; record ids by code."""
    return {code: add_advocate(api, code, *rest) for code, *rest in ADVOCATES}


@pytest.fixture
def case(start, advocates):
    return start(PROCESS, as_user="investigator")


def to_grounds(case, **request) -> None:
    case.do("register_request", {**REQUEST, **request}, as_user="investigator")


def to_proposal(case, **request) -> None:
    to_grounds(case, **request)
    case.do("assess_grounds", GROUNDS_MET, as_user="officer")


def to_response(case, **request) -> None:
    to_proposal(case, **request)
    case.do("confirm_advocate", CONFIRM, as_user="officer")


def finish(case) -> dict:
    """Accept as the proposed advocate's user, then record and inform; the completed instance."""
    data = case.data
    case.do("advocate_response", ACCEPT, as_user=data["advocate_username"] or "advocate_a")
    assert case.ready_elements() == ["inform_person", "record_appointment"]
    case.do("record_appointment", RECORD, as_user="officer")
    case.do("inform_person", INFORM, as_user="investigator")
    instance = case.instance()
    assert instance["status"] == "completed", instance
    return instance


def assigned_history(case) -> list[dict]:
    history = case.api.get(f"/api/v1/process-instances/{case.id}/history").json
    return [entry for entry in history if entry["event"] == "defence_lawyer_assigned"]


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


def test_grounds_not_met_ends_with_the_refusal_reason(case, api, advocates):
    to_grounds(case)
    reason = "The person has chosen a defence lawyer of their own (contract of 2 January 2027)."
    case.do("assess_grounds", {"grounds_met": False, "legal_basis": "KPL s.84", "refusal_reason": reason},
            as_user="officer")
    instance = case.instance()
    assert instance["status"] == "completed"
    assert instance["ready_tasks"] == []
    assert instance["data"]["grounds_met"] is False
    assert instance["data"]["refusal_reason"] == reason
    # Nobody was assigned: no proposal in the case, no assignment in the register, nothing audited.
    assert not {"advocate_id", "assignment"} & set(instance["data"])
    assert assigned_history(case) == []
    for record_id in advocates.values():
        assert api.get(f"/api/v1/advocates/{record_id}/assignments").json == []


# --- the automatic assignment ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_fields", "expected"),
    [
        pytest.param({}, "adv-riga-a", id="nearest of the equally loaded"),
        pytest.param({"language": "ru"}, "adv-riga-b", id="language"),
        pytest.param({"language": "en", "interpreter_needed": True}, "adv-riga-c", id="language en"),
        pytest.param({"person_is_minor": True, "defence_grounds": ["mandatory_minor"]}, "adv-riga-c",
                     id="minor: competent for minors"),
        pytest.param({"court_territory": "kurzeme"}, "adv-kurz", id="territory"),
        pytest.param({"court_territory": "kurzeme", "language": "ru", "person_is_minor": True,
                      "detained": True, "detained_at": "2027-01-04T07:30:00Z"}, "adv-kurz", id="urgent minor"),
    ],
)
def test_the_advocate_is_chosen_by_territory_language_and_minor(case, api, advocates, request_fields, expected):
    to_proposal(case, **request_fields)
    request = {**REQUEST, **request_fields}
    assert case.ready_elements() == ["confirm_advocate"]
    data = case.data
    assignment = data["assignment"]
    assert assignment["advocate_id"] == expected
    assert assignment["advocate_record_id"] == advocates[expected]
    assert assignment["status"] == "optimal"
    # Copied into the case data for the officer, the advocate and the register.
    assert data["advocate_id"] == expected
    assert data["advocate_name"] == NAMES[expected]
    assert data["advocate_username"] == USER_OF[expected]
    assert data["assignment_explanation"] == assignment["explanation"]
    assert data["assignment_explanation"][0].startswith(f"{expected} (")

    # The register agrees that the chosen advocate fits the request.
    advocate = api.get(f"/api/v1/advocates/{assignment['advocate_record_id']}", as_user="officer").json
    assert advocate["code"] == expected
    territory = {"riga": "Rīga", "kurzeme": "Kurzeme"}[request["court_territory"]]
    assert territory in advocate["territories"]
    assert request["language"] in advocate["languages"]
    if request["person_is_minor"]:
        assert advocate["juvenile"] is True
    assert advocate["load_30d"] == 1

    # The assignment is in the register, for this instance, with what the request said.
    [row] = api.get(f"/api/v1/advocates/{advocates[expected]}/assignments", as_user="officer").json
    assert row["case_id"] == REQUEST["case_number"] and row["process_instance_id"] == case.id
    assert row["status"] == "assigned" and row["assigned_on"] == "2027-01-04"
    assert (row["territory"], row["language"], row["juvenile"]) == (
        territory, request["language"], request["person_is_minor"])
    assert row["urgent"] is data["urgent"]
    assert row["explanation"] == data["assignment_explanation"]


def test_the_demo_register_seeded_by_the_cli_serves_the_process(start, api):
    result = api.app.test_cli_runner().invoke(args=["resources", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "60 advocates" in result.output
    case = start(PROCESS, as_user="investigator")
    to_proposal(case, court_territory="latgale", language="ru", person_is_minor=True,
                defence_grounds=["mandatory_minor"])
    data = case.data
    advocate = api.get(f"/api/v1/advocates/{data['assignment']['advocate_record_id']}", as_user="officer").json
    assert advocate["code"] == data["advocate_id"] and advocate["full_name"] == data["advocate_name"]
    assert "Latgale" in advocate["territories"]
    assert "ru" in advocate["languages"]
    assert advocate["juvenile"] is True
    assert all(not (leave["start_date"] <= "2027-01-04" <= leave["end_date"]) for leave in advocate["leaves"])
    case.do("confirm_advocate", CONFIRM, as_user="officer")
    finish(case)


def test_the_assignment_is_audited_with_its_explanation(case):
    to_proposal(case)
    [entry] = assigned_history(case)
    data = case.data
    assert entry["actor"] == "system" and entry["task_id"]
    assert entry["data"]["advocate_id"] == data["advocate_id"] == "adv-riga-a"
    assert entry["data"]["advocate_name"] == data["advocate_name"]
    assert entry["data"]["case_id"] == REQUEST["case_number"]
    assert entry["data"]["assignment_id"] == data["assignment"]["assignment_id"]
    assert entry["data"]["explanation"] == data["assignment_explanation"]
    assert entry["data"]["request"]["territory"] == "Rīga"
    assert entry["data"]["request"]["excluded_lawyers"] == []


# --- confirmation, declines, acceptance ------------------------------------------------------


@pytest.mark.parametrize("declines", [0, 1, 2])
def test_each_decline_brings_a_different_advocate_until_one_accepts(case, api, advocates, declines):
    to_proposal(case)
    order = ["adv-riga-a", "adv-riga-b", "adv-riga-c"]  # nearest first, each decline leaves one out
    for code in order[:declines]:
        assert case.data["advocate_id"] == code
        case.do("confirm_advocate", CONFIRM, as_user="officer")
        case.do("advocate_response", decline(), as_user=USER_OF[code])
        # Straight back to the automatic assignment: the next proposal waits for the officer.
        assert case.ready_elements() == ["confirm_advocate"]
    chosen = order[declines]
    data = case.data
    assert data["advocate_id"] == chosen
    assert "proposal_decision" not in data and "advocate_response" not in data  # clean forms
    case.do("confirm_advocate", CONFIRM, as_user="officer")
    instance = finish(case)

    data = instance["data"]
    assert data["advocate_id"] == chosen
    assert data["advocate_name"] == NAMES[chosen]
    assert data["advocate_response"] == "accept"
    assert data["no_conflict_of_interest"] is True
    assert data["declined_advocate_ids"] == order[:declines]
    assert data["declined_advocates"] == [
        {"advocate_id": code, "advocate_name": NAMES[code], "declined_by": "advocate", "reason": "unavailable",
         "explanation": "In court all week."}
        for code in order[:declines]
    ]
    # Both parallel branches' data reached the end.
    assert data["register_entry"] == "VNJPR-77"
    assert data["informed_how"] == "in_person"
    # The last decline's answer does not linger next to the acceptance.
    assert "decline_reason" not in data

    # One audited assignment per proposal; declined advocates were never proposed again.
    proposed = [entry["data"]["advocate_id"] for entry in assigned_history(case)]
    assert proposed == order[: declines + 1]
    if declines:
        expected = f"left out as having declined: {', '.join(order[:declines])}"
        assert data["assignment_explanation"][-1] == expected
    # The register: declined assignments no longer count, the accepted one does.
    for code in order[: declines + 1]:
        [row] = api.get(f"/api/v1/advocates/{advocates[code]}/assignments").json
        assert row["status"] == ("assigned" if code == chosen else "declined"), code


def test_the_officer_rejects_a_proposal_and_the_next_advocate_is_chosen(case):
    to_proposal(case)
    assert case.data["advocate_id"] == "adv-riga-a"
    case.do("confirm_advocate", REJECT, as_user="officer")
    assert case.ready_elements() == ["confirm_advocate"]
    data = case.data
    assert data["advocate_id"] == "adv-riga-b"
    assert data["declined_advocates"] == [{
        "advocate_id": "adv-riga-a", "advocate_name": NAMES["adv-riga-a"], "declined_by": "legal_aid_officer",
        "reason": "conflict_of_interest", "explanation": REJECT["rejection_explanation"],
    }]
    assert not {"proposal_decision", "rejection_reason", "rejection_explanation"} & set(data)
    case.do("confirm_advocate", CONFIRM, as_user="officer")
    # A rejected and a declined advocate are both left out of later proposals.
    case.do("advocate_response", decline("conflict_of_interest"), as_user="advocate_b")
    assert case.data["advocate_id"] == "adv-riga-c"
    assert case.data["declined_advocate_ids"] == ["adv-riga-a", "adv-riga-b"]
    case.do("confirm_advocate", CONFIRM, as_user="officer")
    assert finish(case)["data"]["advocate_id"] == "adv-riga-c"


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


# --- nobody eligible: an incident an admin resolves ------------------------------------------


def _language_nobody_speaks(case, api):
    to_proposal(case, language="de", interpreter_needed=True)
    fix = ("adv-riga-de", "E. Šmits", ["Rīga"], ["de", "lv"], False, (12, 0), None)
    return "no available lawyer speaks 'de' in territory 'Rīga'", fix


def _every_eligible_advocate_declined(case, api):
    # A minor in Rīga: only adv-riga-c is competent for minors; it declines.
    to_response(case, person_is_minor=True, defence_grounds=["mandatory_minor"])
    assert case.data["advocate_id"] == "adv-riga-c"
    case.do("advocate_response", decline("conflict_of_interest"), as_user="advocate_c")
    fix = ("adv-riga-juv", "F. Vītola", ["Rīga"], ["lv"], True, (6, 0), None)
    return "every otherwise eligible lawyer is excluded", fix


@pytest.mark.parametrize("situation", [_language_nobody_speaks, _every_eligible_advocate_declined],
                         ids=["language nobody speaks", "every eligible advocate declined"])
def test_nobody_eligible_is_an_incident_resolved_by_adding_an_advocate_and_retrying(case, api, situation):
    reason, fix = situation(case, api)
    instance = case.instance()
    assert instance["status"] == "error"
    assert instance["ready_tasks"] == []
    [incident] = instance["incidents"]
    assert f"no advocate can be assigned to case {REQUEST['case_number']} on 2027-01-04" in incident["message"]
    assert reason in incident["message"]
    assert "retry" in incident["message"]
    [detail] = api.get(f"/api/v1/incidents?process_instance_id={case.id}").json
    assert detail["element_id"] == "assign_advocate" and detail["operation"] == "assign_defence_lawyer"
    before = len(assigned_history(case))

    # Only an admin manages incidents; retrying before the data is fixed fails the same way.
    assert api.post(f"/api/v1/incidents/{incident['id']}/retry", as_user="officer").status_code == 403
    again = api.post(f"/api/v1/incidents/{incident['id']}/retry")
    assert again.status_code == 200 and again.json["status"] == "open", again.json
    assert reason in again.json["message"]
    assert case.instance()["status"] == "error"

    # The admin adds an eligible advocate and retries: the process carries on with them.
    code = fix[0]
    add_advocate(api, *fix)
    retried = api.post(f"/api/v1/incidents/{incident['id']}/retry")
    assert retried.status_code == 200 and retried.json["status"] == "resolved", retried.json
    instance = case.instance()
    assert instance["status"] == "running" and instance["incidents"] == []
    assert case.ready_elements() == ["confirm_advocate"]
    assert instance["data"]["advocate_id"] == code
    assert len(assigned_history(case)) == before + 1
    case.do("confirm_advocate", CONFIRM, as_user="officer")
    assert finish(case)["data"]["advocate_id"] == code
