"""`court_intake`: a charged case arrives by `case_to_court` (posted here on the investigation's
behalf, as the contract says), is registered, gets its judge, is acknowledged to the prosecution;
the judge's legal-aid request runs `legal_aid_appointment` and its result comes back."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.bpmn.conftest import REPO, Case
from tests.bpmn.legal_aid_support import ACCEPT, PAY, advocates, answer, history, post_message, sent_messages

__all__ = ["advocates"]

CASE_NUMBER = "11816000123"
REGISTER = {"court_case_number": "K30-0123-27", "registered_on": "2027-01-04", "court_territory": "riga"}
DEFENCE = {"defence_needed": True, "defence_person_name": "J. Bērziņš", "defence_person_language": "lv",
           "defence_person_detained": False, "defence_mandatory": True}


def charged_case() -> dict:
    return {"case_number": CASE_NUMBER, "request_id": f"charge-{uuid.uuid4()}",
            "accused": [{"name": "J. Bērziņš", "personal_code": "010190-12345"}], "victims": [{"name": "A. Ozola"}],
            "charges": [{"article": "KL 175(1)", "description": "Theft"}], "prosecutor": "prosecutor",
            "prosecution_unit": "PROSECUTION:RIGA"}


@pytest.fixture
def court_case(api, bundle) -> tuple[Case, dict]:
    # The investigation is another process: its side is posted here, so the test lets admins post it.
    entry = json.loads((REPO / "bpmn" / "messages.json").read_text(encoding="utf-8"))["case_to_court"]
    api.declare_message("case_to_court", [*entry["senders"], "@external"], entry["receivers"], entry["payload_schema"])
    payload = charged_case()
    response = post_message(api, "case_to_court", payload)
    assert response.status_code == 200 and response.json["status"] == "delivered", response.json
    [instance_id] = response.json["delivered_to"]
    return Case(api, instance_id), payload


def to_judge(case: Case) -> None:
    case.do("register_case", REGISTER, as_user="clerk_riga")
    case.do("assign_judge", {"judge": "judge_riga"}, as_user="chair_riga")


def test_a_charged_case_is_registered_given_a_judge_and_acknowledged(api, court_case):
    case, payload = court_case
    assert case.instance()["business_key"] == CASE_NUMBER
    assert case.data["accused"] == payload["accused"] and case.data["prosecutor"] == "prosecutor"
    [started] = [e for e in history(case) if e["event"] == "instance_started"]
    assert started["data"]["business_key"] == CASE_NUMBER
    task = case.task("register_case")
    assert "1" in api.get(f"/api/v1/tasks/{task['id']}?lang=en", as_user="clerk_riga").json["instructions"]
    to_judge(case)
    [ack] = sent_messages(case, "court_intake_ack")
    assert ack["correlation"] == {"case_number": CASE_NUMBER, "request_id": payload["request_id"]}
    assert ack["payload"] == {"case_number": CASE_NUMBER, "request_id": payload["request_id"],
                              "court_case_number": "K30-0123-27", "judge": "judge_riga", "registered_on": "2027-01-04"}
    # Only the assigned judge is offered the judge's work.
    task = case.task("consider_defence")
    assert task["candidates"] == ["judge_riga"]
    assert case.refusal_status("judge_riga_2") == 404
    case.do("consider_defence", {"defence_needed": False}, as_user="judge_riga")
    assert case.instance()["status"] == "completed"
    assert sent_messages(case, "legal_aid_request") == []


def test_the_court_asks_for_legal_aid_and_the_result_comes_back(api, court_case, advocates):
    case, _ = court_case
    to_judge(case)
    case.do("consider_defence", DEFENCE, as_user="judge_riga")
    [request] = sent_messages(case, "legal_aid_request")
    assert request["payload"]["requested_by"] == "court" and request["payload"]["reason"] == "trial"
    assert request["status"] == "delivered"
    [legal_aid_id] = request["delivered_to"]
    legal_aid = Case(api, legal_aid_id)
    assert legal_aid.instance()["business_key"] == CASE_NUMBER
    [started] = [e for e in history(legal_aid) if e["event"] == "instance_started"]
    assert started["data"]["origin_instance_id"] == case.id
    assert legal_aid.data["request_id"] == f"{CASE_NUMBER}/court/legal-aid"
    assert case.ready_elements() == []  # the court waits for the answer

    legal_aid.do("elder_review", {"elder_decision": "confirm"}, as_user="elder_riga")
    answer(legal_aid, ACCEPT)
    legal_aid.do("decide_state_payment", PAY, as_user="judge_riga")
    [result] = sent_messages(legal_aid, "legal_aid_result")
    assert result["status"] == "delivered" and result["delivered_to"] == [case.id]
    assert case.instance()["status"] == "completed"
    assert (case.data["defence_outcome"], case.data["defence_advocate_id"]) == ("appointed", "adv-riga-a")
    delivered = [e for e in history(case) if e["event"] == "message_delivered"]
    assert [e["data"]["name"] for e in delivered] == ["case_to_court", "legal_aid_result"]


def test_another_requests_result_does_not_reach_the_court(api, court_case, advocates):
    """Correlation on case_number and request_id: a result for another request of the same case waits."""
    case, _ = court_case
    to_judge(case)
    case.do("consider_defence", DEFENCE, as_user="judge_riga")
    entry = json.loads((REPO / "bpmn" / "messages.json").read_text(encoding="utf-8"))["legal_aid_result"]
    api.declare_message("legal_aid_result", [*entry["senders"], "@external"], entry["receivers"], entry["payload_schema"])
    stray = {"case_number": CASE_NUMBER, "request_id": "inv-other", "outcome": "not_appointed", "advocate_id": None,
             "advocate_name": None, "interpreter_needed": False, "interpreter_language": None, "state_payment": False}
    response = post_message(api, "legal_aid_result", stray)
    assert response.status_code == 200 and response.json["status"] == "buffered", response.json
    assert case.instance()["status"] == "running"


@pytest.mark.parametrize(
    ("step", "data", "field"),
    [
        ("register_case", {**REGISTER, "court_case_number": "123"}, "/court_case_number"),
        ("register_case", {**REGISTER, "registered_on": "2027-02-30"}, "/registered_on"),
        ("register_case", {"court_case_number": "K30-0123-27"}, "/registered_on"),
    ],
)
def test_the_registration_form_refuses_bad_input(api, court_case, step, data, field):
    case, _ = court_case
    task = case.task(step)
    for lang, word in (("lv", "datums"), ("en", "date")):
        response = api.post(f"/api/v1/tasks/{task['id']}/complete?lang={lang}", as_user="clerk_riga", json={"data": data})
        assert response.status_code == 422, response.json
        assert field in [e["field"] for e in response.json["errors"]]
        if field == "/registered_on" and "registered_on" in data:
            [error] = [e for e in response.json["errors"] if e["field"] == field]
            assert word in error["message"].lower()
    assert case.ready_elements() == [step]
