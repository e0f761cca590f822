"""Shared steps of the legal-aid and court-intake tests: the advocates' register, requests posted
as the requesting institution's message, the scheduler's own round, and what a case sent."""

from __future__ import annotations

import uuid

import pytest

from tests.bpmn.conftest import Case
from webapp.scheduler import run_engine_jobs

PROCESS = "legal_aid_appointment"
CASE_NUMBER = "11816001234"

# (code, name, territories, languages, office location (km from Rīga), linked user). For a Rīga
# request (made from the court's seat, 0/0) equally loaded candidates rank by distance: a, b, c.
ADVOCATES = [
    ("adv-riga-a", "A. Kalniņa", ["Rīga"], ["lv"], [0, 0], "advocate_a"),
    ("adv-riga-b", "B. Liepa", ["Rīga"], ["lv", "ru"], [4, 0], "advocate_b"),
    ("adv-riga-c", "C. Ozols", ["riga"], ["en", "lv"], [8, 0], "advocate_c"),
    ("adv-kurz", "D. Kļaviņa", ["Kurzeme"], ["lv", "ru"], [-188, -49], None),
]
USER_OF = {code: user for code, *_, user in ADVOCATES}
ACCEPT = {"advocate_response": "accept", "no_conflict_of_interest": True}
DECLINE = {"advocate_response": "decline", "decline_reason": "unavailable", "decline_explanation": "In court all week."}
CONFIRM = {"elder_decision": "confirm"}
REJECT = {"elder_decision": "reject", "elder_reason": "Defends the co-accused."}
PAY = {"state_payment": True, "state_payment_basis": "The person cannot pay (KPL s.85).",
       "state_payment_decided_on": "2027-01-04"}


def request_payload(case_number: str = CASE_NUMBER, **changes) -> dict:
    person = {"name": "J. Bērziņš", "language": "lv", "detained": False, **changes.pop("person", {})}
    return {"case_number": case_number, "request_id": changes.pop("request_id", f"inv-{uuid.uuid4()}"),
            "person": person, "urgency": "ordinary", "reason": "other", "court_territory": "riga",
            "mandatory_defence": False, "requested_by": "investigation", **changes}


def post_message(api, name: str, payload: dict):
    """The partner's side of the contract, posted as an admin (the catalogue lists @external)."""
    body = {"name": name, "correlation": {"case_number": payload["case_number"], "request_id": payload["request_id"]},
            "payload": payload, "message_id": str(uuid.uuid4())}
    return api.post("/api/v1/messages", json=body)


def request_legal_aid(api, **changes) -> tuple[Case, dict]:
    """Post a legal_aid_request; the case it started (business key = the case number)."""
    payload = request_payload(**changes)
    response = post_message(api, "legal_aid_request", payload)
    assert response.status_code == 200, response.json
    assert response.json["status"] == "delivered", response.json
    [instance_id] = response.json["delivered_to"]
    case = Case(api, instance_id)
    assert case.instance()["business_key"] == payload["case_number"]
    return case, payload


def history(case: Case) -> list[dict]:
    response = case.api.get(f"/api/v1/process-instances/{case.id}/history")
    assert response.status_code == 200, response.json
    return response.json


def sent(case: Case) -> list[dict]:
    """The messages the case threw, as its history records them (name, payload, status)."""
    return [entry["data"] for entry in history(case) if entry["event"] == "message_sent"]


def sent_messages(case: Case, name: str) -> list[dict]:
    """What the case sent of `name`: its history's message_sent entries, each with the payload the
    message row holds (the history carries the envelope, not the payload)."""
    from sqlalchemy import select

    from engine.models import Message
    from webapp.extensions import db

    entries = [entry for entry in sent(case) if entry["name"] == name]
    with case.api.app.app_context():
        payloads = {row.message_id: row.payload for row in db.session.scalars(
            select(Message).where(Message.source_instance_id == case.id, Message.name == name))}
    return [{**entry, "payload": payloads[entry["message_id"]]} for entry in entries]


def fire_due(app) -> int:
    """One round of the scheduler's own job; how many timers it fired."""
    return run_engine_jobs(app, "test-scheduler")["timers"]


def answer(case: Case, data: dict) -> str:
    """The proposed advocate answers as their own user; the advocate's code."""
    code = case.data["advocate_id"]
    case.do("advocate_response", data, as_user=USER_OF[code])
    return code


@pytest.fixture
def advocates(api) -> dict[str, int]:
    """The register, created by an admin through the advocates API; record ids by code."""
    ids = {}
    for code, name, territories, languages, location, user in ADVOCATES:
        body = {"code": code, "full_name": name, "territories": territories, "languages": languages,
                "juvenile": False, "daily_capacity": 3, "office_location": location}
        if user:
            body["user"] = user
        response = api.post("/api/v1/advocates", json=body)
        assert response.status_code == 201, response.json
        ids[code] = response.json["id"]
    return ids
