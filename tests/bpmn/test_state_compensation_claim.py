"""`bpmn/state_compensation_claim.bpmn` through the HTTP API: every branch, as the users of each lane."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

PROCESS = "state_compensation_claim"

ALL_DOCUMENTS = ["prosecutor_statement", "proof_of_harm", "payment_details"]
CLAIM = {
    "case_number": "11816005678",
    "applicant_name": "L. Kalēja",
    "applicant_role": "victim",
    "victim_recognised_on": "2026-03-02",
    "claim_received_on": "2027-01-04",
    "intentional_crime": True,
    "harm": "serious_bodily_injury",
    "victim_is_minor": False,
    "reduced_rate_offence": False,
    "claimed_amount": "10000.00",
    "documents_attached": ALL_DOCUMENTS,
}
# The application as the start form takes it (a citizen's own, or a paper one the clerk types in).
APPLICATION = {
    "case_number": CLAIM["case_number"],
    "applicant_name": CLAIM["applicant_name"],
    "applicant_role": "victim",
    "crime_committed_on": "2025-11-20",
    "victim_recognised_on": CLAIM["victim_recognised_on"],
    "harm": CLAIM["harm"],
    "claimed_amount": CLAIM["claimed_amount"],
}
APPROVE = {"decision": "approve", "decision_number": "TA-K/2027/3", "decided_on": "2027-01-05"}
REFUSE_INELIGIBLE = {
    "decision": "refuse", "refusal_reason": "The conditions of the law are not met.",
    "decision_number": "TA-K/2027/4", "decided_on": "2027-01-05",
}
PAY = {"payment_reference": "MAKS-2027-0042", "paid_on": "2027-01-20"}
NOTIFY = {"applicant_notified_on": "2027-01-06", "notification_channel": "e_address"}
NO_APPEAL = {"appealed": False}


@pytest.fixture
def case(start, investigation):
    """A claim; the investigation answers a request for the prosecutor's statement (stand-in)."""
    return start(PROCESS, as_user="clerk", data=APPLICATION)


def register(case, **claim) -> None:
    case.do("register_claim", {**CLAIM, **claim}, as_user="clerk")


def request_round(case, documents: list[str], replied: bool = True) -> None:
    case.do(
        "request_documents",
        {"request_sent_on": "2026-11-18", "applicant_replied": replied, "documents_attached": documents},
        as_user="clerk",
    )


# --- the amount ------------------------------------------------------------------------------

AMOUNTS = [
    # harm, minor, reduced-rate offence, recognised on, claimed, amount, share, maximum, capped
    ("death", False, False, "2026-03-02", "10000.00", "3900.00", "1.0000", "3900.00", True),
    ("death", False, False, "2026-03-02", "2500.50", "2500.50", "1.0000", "3900.00", False),
    ("death", False, False, "2025-06-10", "10000.00", "3700.00", "1.0000", "3700.00", True),
    ("death", False, False, "2024-12-31", "10000.00", "3500.00", "1.0000", "3500.00", True),
    ("serious_bodily_injury", False, False, "2026-03-02", "10000.00", "3510.00", "0.9000", "3900.00", True),
    ("serious_bodily_injury", False, False, "2026-03-02", "3510.00", "3510.00", "0.9000", "3900.00", False),
    ("serious_bodily_injury", False, False, "2026-03-02", "3510.01", "3510.00", "0.9000", "3900.00", True),
    ("rape_or_sexual_violence", False, False, "2026-03-02", "10000.00", "3510.00", "0.9000", "3900.00", True),
    ("trafficking", False, False, "2026-03-02", "10000.00", "3510.00", "0.9000", "3900.00", True),
    ("sexual_integrity", True, False, "2026-03-02", "10000.00", "3510.00", "0.9000", "3900.00", True),
    ("moderate_bodily_injury", True, False, "2026-03-02", "10000.00", "2730.00", "0.7000", "3900.00", True),
    ("infection", True, False, "2026-03-02", "10000.00", "2730.00", "0.7000", "3900.00", True),
    ("serious_bodily_injury", True, False, "2026-03-02", "10000.00", "3510.00", "0.9000", "3900.00", True),
    ("moderate_bodily_injury", False, False, "2026-03-02", "10000.00", "1950.00", "0.5000", "3900.00", True),
    ("sexual_integrity", False, False, "2026-03-02", "10000.00", "1950.00", "0.5000", "3900.00", True),
    ("infection", False, False, "2026-03-02", "800.00", "800.00", "0.5000", "3900.00", False),
    ("moderate_bodily_injury", False, True, "2026-03-02", "10000.00", "975.00", "0.2500", "3900.00", True),
    ("serious_bodily_injury", False, True, "2026-03-02", "10000.00", "1755.00", "0.4500", "3900.00", True),
    ("death", False, True, "2026-03-02", "10000.00", "1950.00", "0.5000", "3900.00", True),
]


@pytest.mark.parametrize(
    ("harm", "minor", "reduced", "recognised_on", "claimed", "amount", "share", "maximum", "capped"), AMOUNTS
)
def test_compensation_is_capped_by_the_law(case, harm, minor, reduced, recognised_on, claimed, amount, share,
                                           maximum, capped):
    register(case, harm=harm, victim_is_minor=minor, reduced_rate_offence=reduced,
             victim_recognised_on=recognised_on, claimed_amount=claimed)
    assert case.ready_elements() == ["decide_claim"]
    data = case.data
    assert data["eligible"] is True
    assert data["eligibility_problems"] == []
    assert data["compensation_amount"] == amount
    assert data["amount_capped"] is capped
    assert data["compensation_basis"]["share"] == share
    assert data["compensation_basis"]["maximum_amount"] == maximum
    assert data["compensation_basis"]["wage_year"] == recognised_on[:4]
    # The figures stay in the script, not in every case's data.
    assert not {"MINIMUM_MONTHLY_WAGE", "HARM_SHARE", "REDUCED_RATE_FACTOR", "CENT"} & set(data)
    # The figures come from the decision tables, one per concern.
    assert data["minimum_monthly_wage"] == {"2024": "700.00", "2025": "740.00", "2026": "780.00"}[recognised_on[:4]]
    assert data["offence_factor"] == ("0.50" if reduced else "1.00")
    assert data["maximum_in_monthly_wages"] == "5"
    assert Decimal(data["harm_share"]) * Decimal(data["offence_factor"]) == Decimal(share)


def test_a_recognition_year_without_a_configured_wage_stops_the_case_with_a_clear_error(case):
    register(case, victim_recognised_on="2023-12-01", claim_received_on="2026-11-16")
    instance = case.instance()
    assert instance["status"] == "error"
    # The wage table is data (compensation_amount.dmn): the incident names the decision and the year.
    assert "decision 'minimum_monthly_wage': no rule matches the inputs" in instance["error_message"]
    assert "2023" in instance["error_message"]
    assert instance["ready_tasks"] == []


# --- approval and payment --------------------------------------------------------------------


@pytest.mark.parametrize("first", ["pay_compensation", "notify_award"])
def test_approved_claim_is_paid_and_notified_in_parallel(case, first):
    register(case)
    case.do("decide_claim", APPROVE, as_user="comp_officer")
    assert case.ready_elements() == ["notify_award", "pay_compensation"]
    steps = {"pay_compensation": (PAY, "comp_officer"), "notify_award": (NOTIFY, "clerk")}
    second = next(element for element in steps if element != first)
    case.do(first, *steps[first])
    assert case.instance()["status"] == "running"
    case.do(second, *steps[second])
    assert case.ready_elements() == ["record_appeal_award"]
    case.do("record_appeal_award", NO_APPEAL, as_user="clerk")

    instance = case.instance()
    assert instance["status"] == "completed"
    data = instance["data"]
    assert data["decision"] == "approve"
    assert data["compensation_amount"] == "3510.00"
    assert data["payment_reference"] == "MAKS-2027-0042"
    assert data["applicant_notified_on"] == "2027-01-06"
    assert data["document_requests"] == 0


def test_officer_refuses_an_eligible_claim_with_a_reason(case):
    register(case)
    reason = "The harm has been compensated in full by the offender (judgment of 3 December 2026)."
    case.do("decide_claim", {**APPROVE, "decision": "refuse", "refusal_reason": reason}, as_user="comp_officer")
    assert case.ready_elements() == ["notify_refusal"]
    case.do("notify_refusal", NOTIFY, as_user="clerk")
    case.do("record_appeal_refusal", NO_APPEAL, as_user="clerk")
    instance = case.instance()
    assert instance["status"] == "completed"
    assert instance["data"]["decision"] == "refuse"
    assert instance["data"]["refusal_reason"] == reason
    assert "payment_reference" not in instance["data"]


# --- missing documents -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("initial", "rounds", "requests"),
    [
        pytest.param(ALL_DOCUMENTS, [], 0, id="complete at once"),
        pytest.param(["prosecutor_statement"], [ALL_DOCUMENTS], 1, id="one request"),
        pytest.param([], [["prosecutor_statement"], ALL_DOCUMENTS], 2, id="loop taken twice"),
        pytest.param([], [[], ["proof_of_harm"], ALL_DOCUMENTS], 3, id="loop taken three times"),
    ],
)
def test_missing_documents_are_requested_until_complete(case, initial, rounds, requests):
    register(case, documents_attached=initial)
    for documents in rounds:
        data = case.data
        assert case.ready_elements() == ["request_documents"]
        assert data["missing_documents"] == [d for d in ALL_DOCUMENTS if d not in data["documents_attached"]]
        request_round(case, documents)
    assert case.ready_elements() == ["decide_claim"]
    data = case.data
    assert data["document_requests"] == requests
    assert data["missing_documents"] == []
    assert data["eligible"] is True


def test_a_relative_of_a_deceased_victim_must_prove_kinship(case):
    register(case, applicant_role="relative_of_deceased_victim", harm="death")
    assert case.ready_elements() == ["request_documents"]
    assert case.data["missing_documents"] == ["proof_of_kinship"]
    request_round(case, [*ALL_DOCUMENTS, "proof_of_kinship"])
    assert case.ready_elements() == ["decide_claim"]
    assert case.data["compensation_amount"] == "3900.00"


def test_no_reply_to_the_request_is_decided_on_the_information_available(case):
    register(case, documents_attached=["payment_details"])
    request_round(case, ["payment_details"], replied=False)
    assert case.ready_elements() == ["refuse_ineligible"]
    data = case.data
    assert data["document_requests"] == 1
    assert data["eligible"] is False
    assert data["eligibility_problems"] == ["documents still missing: prosecutor_statement, proof_of_harm"]
    assert data["compensation_amount"] is None


# --- not eligible ----------------------------------------------------------------------------

INELIGIBLE = [
    pytest.param({"intentional_crime": False}, ["the offence is not an intentional crime"], id="not intentional"),
    pytest.param({"harm": "other"}, ["the harm caused is not one the law compensates"], id="harm not covered"),
    pytest.param(
        {"victim_recognised_on": "2024-01-03", "claim_received_on": "2027-01-04"},
        ["the claim was received after 2027-01-03, more than 3 years after recognition as victim"],
        id="3 years passed",
    ),
    pytest.param(
        {"victim_recognised_on": "2024-02-29", "claim_received_on": "2027-03-02"},
        ["the claim was received after 2027-03-01, more than 3 years after recognition as victim"],
        id="3 years from 29 February",
    ),
    pytest.param(
        {"victim_recognised_on": "2027-01-05", "claim_received_on": "2027-01-04"},
        ["the claim was made before the applicant was recognised as victim"],
        id="not yet recognised",
    ),
    pytest.param(
        {"intentional_crime": False, "harm": "other"},
        ["the offence is not an intentional crime", "the harm caused is not one the law compensates"],
        id="two problems",
    ),
]


@pytest.mark.parametrize(("claim", "problems"), INELIGIBLE)
def test_ineligible_claim_is_refused_and_the_applicant_notified(case, clock, claim, problems):
    # Registered on the day it is received (or, for a claim made before recognition, the day the
    # recognition is known: neither date may lie in the future), so the 1-month clock has not run out.
    registered_on = max(claim.get("claim_received_on", CLAIM["claim_received_on"]),
                        claim.get("victim_recognised_on", CLAIM["victim_recognised_on"]))
    clock.set(datetime.fromisoformat(registered_on + "T09:00:00+00:00"))
    register(case, **claim)
    assert case.ready_elements() == ["refuse_ineligible"]
    data = case.data
    assert data["eligible"] is False
    assert data["eligibility_problems"] == problems
    assert data["compensation_amount"] is None

    case.do("refuse_ineligible", REFUSE_INELIGIBLE, as_user="comp_officer")
    assert case.ready_elements() == ["notify_refusal"]
    case.do("notify_refusal", NOTIFY, as_user="clerk")
    case.do("record_appeal_refusal", NO_APPEAL, as_user="clerk")
    instance = case.instance()
    assert instance["status"] == "completed"
    assert instance["data"]["decision"] == "refuse"
    assert instance["data"]["refusal_reason"] == REFUSE_INELIGIBLE["refusal_reason"]


def test_claim_on_the_last_day_of_the_period_is_in_time(case, clock):
    clock.set(datetime.fromisoformat("2027-03-01T09:00:00+00:00"))  # registered on the day it came
    register(case, victim_recognised_on="2024-03-01", claim_received_on="2027-03-01")
    assert case.ready_elements() == ["decide_claim"]
    assert case.data["application_period_ends"] == "2027-03-01"


# --- who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("element", "wrong_user", "right_user", "data", "before"),
    [
        ("register_claim", "comp_officer", "clerk", CLAIM, []),
        ("register_claim", "prosecutor", "clerk", CLAIM, []),
        ("request_documents", "comp_officer", "clerk",
         {"request_sent_on": "2026-11-18", "applicant_replied": True, "documents_attached": ALL_DOCUMENTS},
         [("register_claim", {**CLAIM, "documents_attached": []}, "clerk")]),
        ("decide_claim", "clerk", "comp_officer", APPROVE, [("register_claim", CLAIM, "clerk")]),
        ("refuse_ineligible", "clerk", "comp_officer", REFUSE_INELIGIBLE,
         [("register_claim", {**CLAIM, "harm": "other"}, "clerk")]),
        ("pay_compensation", "clerk", "comp_officer", PAY,
         [("register_claim", CLAIM, "clerk"), ("decide_claim", APPROVE, "comp_officer")]),
        ("notify_award", "comp_officer", "clerk", NOTIFY,
         [("register_claim", CLAIM, "clerk"), ("decide_claim", APPROVE, "comp_officer")]),
    ],
)
def test_only_the_lane_role_completes_a_task(case, element, wrong_user, right_user, data, before):
    for step, step_data, user in before:
        case.do(step, step_data, as_user=user)
    refused = case.complete(element, data, as_user=wrong_user)
    assert refused.status_code == case.refusal_status(wrong_user), refused.json
    assert element in case.ready_elements()
    case.do(element, data, as_user=right_user)


def test_the_clerk_does_not_see_the_officers_tasks(case):
    register(case)
    assert case.ready("clerk") == []
    task = case.ready("comp_officer")[0]
    assert (task["element_id"], task["lane"], task["role"]) == ("decide_claim", "Compensation officer",
                                                                 "compensation_officer")
    assert task["form_schema"]["title"] == "Decide on the claim"


# --- invalid form data -----------------------------------------------------------------------

INVALID = [
    pytest.param("register_claim", {**CLAIM, "claimed_amount": "0.00"}, {"/claimed_amount"}, id="register: zero amount"),
    pytest.param("register_claim", {**CLAIM, "claimed_amount": 3900}, {"/claimed_amount"},
                 id="register: amount as a number"),
    pytest.param("register_claim", {**CLAIM, "claimed_amount": 3900.5}, {"/claimed_amount"},
                 id="register: amount as a float"),
    pytest.param("register_claim", {**CLAIM, "claimed_amount": "3900"}, {"/claimed_amount"},
                 id="register: amount without cents"),
    pytest.param("register_claim", {**CLAIM, "claimed_amount": "3900.5"}, {"/claimed_amount"},
                 id="register: amount with one decimal"),
    pytest.param("register_claim", {**CLAIM, "claimed_amount": "-3900.00"}, {"/claimed_amount"},
                 id="register: negative amount"),
    pytest.param("register_claim", {**CLAIM, "claimed_amount": "1e3.00"}, {"/claimed_amount"},
                 id="register: exponent"),
    pytest.param("register_claim", {**CLAIM, "claimed_amount": "100000000.00"}, {"/claimed_amount"},
                 id="register: amount over the form's bound"),

    pytest.param("register_claim", {**CLAIM, "victim_recognised_on": "02.03.2026"}, {"/victim_recognised_on"},
                 id="register: date format"),
    pytest.param("register_claim", {**CLAIM, "harm": "theft"}, {"/harm"}, id="register: unknown harm"),
    pytest.param("register_claim", {**CLAIM, "documents_attached": ["receipt"]}, {"/documents_attached/0"},
                 id="register: unknown document"),
    pytest.param("register_claim", {k: v for k, v in CLAIM.items() if k != "harm"}, {"/harm"},
                 id="register: harm missing"),
    pytest.param("register_claim", {**CLAIM, "compensation_amount": 3900}, {"/compensation_amount"},
                 id="register: field the form does not define"),
    pytest.param("decide_claim", {**APPROVE, "decision": "refuse"}, {"/refusal_reason"},
                 id="decide: refusal without reason"),
    pytest.param("decide_claim", {**APPROVE, "decision": "maybe"}, {"/decision"}, id="decide: unknown decision"),
    pytest.param("decide_claim", {"decision": "approve"}, {"/decision_number", "/decided_on"},
                 id="decide: decision number and date missing"),
]


@pytest.mark.parametrize(("element", "data", "fields"), INVALID)
def test_invalid_form_data_is_refused_with_field_errors(case, element, data, fields):
    if element != "register_claim":
        register(case)
    user = "clerk" if element == "register_claim" else "comp_officer"
    before = case.data
    refused = case.complete(element, data, as_user=user)
    assert refused.status_code == 422, refused.json
    assert {error["field"] for error in refused.json["errors"]} == fields
    assert case.ready_elements() == [element]
    assert case.data == before


def test_the_ineligible_refusal_form_only_refuses(case):
    register(case, harm="other")
    refused = case.complete("refuse_ineligible", {**REFUSE_INELIGIBLE, "decision": "approve"}, as_user="comp_officer")
    assert refused.status_code == 422, refused.json
    assert [error["field"] for error in refused.json["errors"]] == ["/decision"]


# --- grant in part ---------------------------------------------------------------------------

PARTIAL = {**APPROVE, "decision": "partial", "partial_reason": "Daļu zaudējumu atlīdzinājis likumpārkāpējs."}


@pytest.mark.parametrize(
    ("granted", "awarded", "in_part"),
    [("2000.00", "2000.00", True), ("3509.99", "3509.99", True), ("3510.00", "3510.00", False),
     ("9999.99", "3510.00", False)],
)
def test_a_grant_in_part_pays_the_smaller_amount_never_more_than_the_law_allows(case, granted, awarded, in_part):
    register(case)
    case.do("decide_claim", {**PARTIAL, "granted_amount": granted}, as_user="comp_officer")
    assert case.ready_elements() == ["notify_award", "pay_compensation"]
    data = case.data
    assert (data["compensation_amount"], data["awarded_amount"], data["granted_in_part"]) == ("3510.00", awarded, in_part)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [({"partial_reason": None}, [("/granted_amount", "this field is required"), ("/partial_reason", "this field is required")]),
     ({"granted_amount": "2000.5", "partial_reason": "x"}, [("/granted_amount", "Enter euros and cents with a point, e.g. 1250.00.")])],
)
def test_a_grant_in_part_needs_an_amount_in_euros_and_cents_and_a_reason(case, changes, errors):
    register(case)
    task = case.task("decide_claim")
    response = case.api.client.post(f"/api/v1/tasks/{task['id']}/complete?lang=en", headers=case.api.headers("comp_officer"),
                                    json={"data": {k: v for k, v in {**PARTIAL, **changes}.items() if v is not None}})
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json["errors"]] == errors
    assert case.ready_elements() == ["decide_claim"]
