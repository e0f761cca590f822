"""Driving `bpmn/investigation.bpmn` through the HTTP API: the case data each step gives, the
scheduler's own timer function, and the partner institutions' replies delivered as the message
contract says (/work/messages-contract.md: replies repeat case_number and request_id)."""

from __future__ import annotations

import itertools
from datetime import datetime

from tests.bpmn.conftest import Case

PROCESS = "investigation"
CASE_NUMBER = "11816000123"

REPORT = {
    "case_number": CASE_NUMBER,
    "reported_at": "2027-01-04T08:30:00+02:00",
    "anonymous": False,
    "reporter_name": "L. Kalniņa",
    "reporter_kind": "victim",
    "report_text": "Car broken into overnight; a laptop taken.",
    "offence_article": "KL 175",
}
START = {
    "decision": "start", "start_grounds": "A victim's report", "facts": "Theft from a car.",
    "body_in_charge": "State Police, Riga", "suspect_known": False, "suspect_detained": False,
}
DETAINED_AT = "2027-01-04T07:00:00+00:00"
DETAINED = {
    **START, "suspect_known": True, "suspect_name": "J. Bērziņš", "suspect_detained": True,
    "detained_at": DETAINED_AT, "suspect_language": "ru", "suspect_is_minor": False, "court_territory": "riga",
}
REFUSE = {"decision": "refuse", "refusal_reason": "No crime: the item was lost.", "suspect_detained": False}
ACTION = {
    "action": {"kind": "questioning", "performed_on": "2027-01-05", "place": "Riga",
               "description": "The victim was questioned.", "participants": ["L. Kalniņa"]},
    "evidence_items": [
        {"item": "Laptop bag", "description": "Black, torn strap", "kept_at": "Riga police store, shelf 4",
         "held_by": "Evidence officer I. Liepa", "status": "seized"},
    ],
    "next_step": "continue",
}
HAND_OVER = {
    "handed_over_on": "2027-01-20", "facts": "J. Bērziņš broke into the car and took the laptop.",
    "legal_classification": "KL 175(2)", "accused": [{"name": "J. Bērziņš", "personal_code": "010190-12345"}],
    "victims": [{"name": "L. Kalniņa"}], "costs_eur": "150.00",
}
CHARGE = {
    "prosecutor_outcome": "charge", "decision_reason": "The evidence suffices.",
    "charges": [{"article": "KL 175(2)", "description": "Theft from a vehicle."}],
    "prosecutor": "prosecutor", "prosecution_unit": "PROSECUTION:RIGA",
}
_ids = itertools.count(1)


def start_case(api, report: dict | None = None) -> Case:
    response = api.start(PROCESS, as_user="investigator", data=report or REPORT, business_key=CASE_NUMBER)
    assert response.status_code == 201, response.json
    return Case(api, response.json["id"])


def opened(api, decision: dict | None = None) -> Case:
    """A started case: the proceedings are open and its four branches run."""
    case = start_case(api)
    case.do("decide_start", decision or START, as_user="investigator")
    return case


def fire(api) -> int:
    """Due timers fired by the scheduler's own function."""
    with api.app.app_context():
        return api.engine().timers.fire_due()


def move_to(api, clock, moment: str) -> int:
    clock.set(datetime.fromisoformat(moment))
    return fire(api)


def history(case: Case) -> list[dict]:
    response = case.api.get(f"/api/v1/process-instances/{case.id}/history")
    assert response.status_code == 200, response.json
    return response.json


def events(case: Case, event: str) -> list[dict]:
    return [entry for entry in history(case) if entry["event"] == event]


def sent(case: Case, name: str) -> list[dict]:
    """The messages the case threw, as its history records them (message_sent)."""
    return [entry["data"] for entry in events(case, "message_sent") if entry["data"]["name"] == name]


def completed_elements(case: Case) -> list[str]:
    return [entry["data"].get("element_id") for entry in events(case, "task_completed")]


def reply(api, name: str, payload: dict) -> dict:
    """A partner's reply, posted as the partner would send it. The partner processes are built on
    other branches, so the test stands in for them: it lets an admin post the message (`@external`
    among the senders) and posts it with the contract's correlation, case_number + request_id."""
    entry = api.get(f"/api/v1/message-catalogue/{name}").json
    if "@external" not in entry["senders"]:
        api.declare_message(name, [*entry["senders"], "@external"], entry["receivers"], entry["payload_schema"])
    correlation = {key: payload[key] for key in ("case_number", "request_id") if key in payload}
    response = api.post("/api/v1/messages", json={
        "name": name, "correlation": correlation, "payload": payload, "message_id": f"test-{name}-{next(_ids)}",
    })
    assert response.status_code == 200, response.json
    return response.json


def shown(case: Case, element_id: str, as_user: str) -> dict:
    """A task as its user reads it: form, instructions rendered over the case data, due date."""
    response = case.api.get(f"/api/v1/tasks/{case.task(element_id)['id']}", as_user=as_user)
    assert response.status_code == 200, response.json
    return response.json


def supervised(case: Case) -> Case:
    """The start decision sent and the supervising prosecutor named in time: no 24-hour clock left."""
    case.do("send_start_decision", {"start_decision_sent_at": "2027-01-04T12:00:00+02:00",
                                    "prosecution_office": "PROSECUTION:RIGA", "reporter_informed": True},
            as_user="investigator")
    case.do("name_supervisor", {"supervising_prosecutor": "prosecutor",
                                "supervisor_named_at": "2027-01-04T15:00:00+02:00"}, as_user="prosecutor")
    return case
