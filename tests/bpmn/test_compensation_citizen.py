"""`state_compensation_claim` as the applicant lives it: a citizen applies with the start form,
answers the request for missing documents themself, and sees only their own claim, cut to their
part; impossible dates (in the future) are refused with a field error in the person's language."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.bpmn.conftest import Case
from tests.bpmn.test_state_compensation_claim import APPLICATION, CLAIM, PROCESS, register

CITIZENS = ("citizen_a", "citizen_b")


@pytest.fixture
def citizens(api, bundle):
    with api.app.app_context():
        for username in CITIZENS:
            api.engine().users.create(username, "secret-" + username, ["citizen"])
    return CITIZENS


def apply(api, as_user: str, data: dict | None = None, language: str = "en"):
    return api.client.post(
        "/api/v1/process-instances", headers={**api.headers(as_user), "Accept-Language": language},
        json={"process_id": PROCESS, "data": APPLICATION if data is None else data},
    )


@pytest.fixture
def own_claim(api, citizens) -> Case:
    """citizen_a's claim, registered by the clerk with the proof of harm missing."""
    response = apply(api, "citizen_a")
    assert response.status_code == 201, response.json
    case = Case(api, response.json["id"])
    register(case, documents_attached=["prosecutor_statement", "payment_details"])
    return case


def test_the_citizen_answers_the_request_for_documents_themself(own_claim, api):
    task = own_claim.task("request_documents")
    assert task["candidates"] == ["citizen_a"]
    assert own_claim.instance()["data"]["started_by_user"] == "citizen_a"
    # The clerk of a citizen's claim does not answer for them: the task is the applicant's.
    assert api.complete(task["id"], {"request_sent_on": "2027-01-04", "applicant_replied": True,
                                     "documents_attached": CLAIM["documents_attached"]},
                        as_user="clerk").status_code == 403
    mine = [t["element_id"] for t in api.get("/api/v1/tasks?state=ready", as_user="citizen_a").json]
    assert mine == ["request_documents"]
    own_claim.do("request_documents", {"request_sent_on": "2027-01-04", "applicant_replied": True,
                                       "documents_attached": CLAIM["documents_attached"]}, as_user="citizen_a")
    assert own_claim.ready_elements() == ["decide_claim"]
    assert own_claim.instance()["data"]["missing_documents"] == []


def test_another_citizen_gets_404_on_the_claim_its_task_and_history(own_claim, api):
    task = own_claim.task("request_documents")
    base = f"/api/v1/process-instances/{own_claim.id}"
    for path in (base, f"{base}/history", f"/api/v1/tasks/{task['id']}"):
        assert api.get(path, as_user="citizen_b").status_code == 404, path
    answer = {"request_sent_on": "2027-01-04", "applicant_replied": True, "documents_attached": []}
    assert api.complete(task["id"], answer, as_user="citizen_b").status_code == 404
    assert api.get("/api/v1/tasks?state=ready", as_user="citizen_b").json == []
    assert api.get(f"/api/v1/process-instances?process_id={PROCESS}", as_user="citizen_b").json == []
    assert own_claim.ready_elements() == ["request_documents"]


def test_the_citizen_sees_only_their_part_of_the_claim(own_claim, api):
    seen = api.get(f"/api/v1/process-instances/{own_claim.id}", as_user="citizen_a")
    assert seen.status_code == 200
    fields = set(seen.json["data"])
    # What they applied with and what their own task asks and shows ...
    assert set(APPLICATION) <= fields and {"documents_attached", "missing_documents"} <= fields
    # ... and not the officer's working data.
    assert not fields & {"intentional_crime", "eligibility_problems", "decision_due", "lane_owners",
                         "clock_suspended_at", "request_id"}
    for entry in api.get(f"/api/v1/process-instances/{own_claim.id}/history", as_user="citizen_a").json:
        assert not set((entry["data"] or {}).get("data") or {}) & {"intentional_crime", "reduced_rate_offence"}


def test_a_citizen_cannot_name_someone_else_as_the_starter(api, citizens):
    response = apply(api, "citizen_a", {**APPLICATION, "started_by_user": "citizen_b"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["/data/started_by_user"]


@pytest.mark.parametrize(
    ("language", "message"),
    [("lv", "datums ir nākotnē: norādiet datumu, kas nav vēlāks par šodienu, 2027-01-04"),
     ("en", "this date is in the future: enter a date not later than today, 2027-01-04")],
)
@pytest.mark.parametrize("field", ["crime_committed_on", "victim_recognised_on"])
def test_a_date_in_the_future_is_refused_in_the_users_language(api, citizens, clock, field, language, message):
    clock.set(datetime.fromisoformat("2027-01-04T21:59:00+00:00"))  # 23:59 in Riga: still 4 January
    response = apply(api, "citizen_a", {**APPLICATION, field: "2027-01-05"}, language=language)
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": f"/{field}", "message": message}]
    assert api.get(f"/api/v1/process-instances?process_id={PROCESS}", as_user="citizen_a").json == []


def test_today_is_not_in_the_future(api, citizens, clock):
    clock.set(datetime.fromisoformat("2027-01-04T22:00:00+00:00"))  # 00:00 in Riga: already 5 January
    response = apply(api, "citizen_a", {**APPLICATION, "crime_committed_on": "2027-01-05",
                                        "victim_recognised_on": "2027-01-05"})
    assert response.status_code == 201, response.json


def test_the_clerk_cannot_register_a_claim_received_tomorrow(own_claim, api, clock):
    fresh = apply(api, "citizen_b")
    case = Case(api, fresh.json["id"])
    response = case.complete("register_claim", {**CLAIM, "claim_received_on": "2027-01-05"}, as_user="clerk")
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["/claim_received_on"]
    assert case.ready_elements() == ["register_claim"]


def test_a_start_form_without_its_required_fields_is_refused(api, citizens):
    response = apply(api, "citizen_a", {"applicant_name": "L. Kalēja"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {
        "/applicant_role", "/crime_committed_on", "/harm", "/claimed_amount"}
