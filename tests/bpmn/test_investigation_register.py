"""The property register through the investigation (issue #17, part 1): an item seized by the
police is registered by the model's service task, sent for examination and given back, handed to
the prosecution with the case, and returned to its owner, each step one custody event with the
receiver's (or the owner's) acknowledgement; a person who does not hold the item cannot move it,
and a closed chain takes no further event. When the case goes to court (case_to_court), its items
follow to the court, whose clerk reads and acknowledges them through the court's own case."""

from __future__ import annotations

import pytest

from tests.bpmn.investigation_case import ACTION, CASE_NUMBER, CHARGE, HAND_OVER, opened, supervised

ITEM = {"item": "Mobilais tālrunis", "kind": "phone", "description": "Melns, saplaisājis ekrāns",
        "owner": "Līga Kalniņa", "kept_at": "Rīgas policijas noliktava, plaukts 4",
        "held_by": "Evidence officer I. Liepa", "status": "seized"}
PLACED = {
    "inv_riga": (["investigator"], "POLICE", "POLICE:RIGA"),
    "expert": (["clerk"], "FORENSIC", "FORENSIC:CENTRAL"),
    "pros_riga": (["prosecutor"], "PROSECUTION", "PROSECUTION:RIGA"),
}


@pytest.fixture
def people(api):
    with api.app.app_context():
        for username, (roles, institution, unit) in PLACED.items():
            api.engine().users.create(username, "secret-" + username, roles, institution=institution, unit=unit)
    return api


@pytest.fixture
def case(people, bundle):
    case = supervised(opened(people))
    case.do("record_action", {**ACTION, "evidence_items": [ITEM]}, as_user="investigator")
    return case


def items_url(case, item_id: int | None = None, verb: str = "") -> str:
    base = f"/api/v1/cases/{case.id}/items"
    return base + (f"/{item_id}" if item_id is not None else "") + (f"/{verb}" if verb else "")


def the_item(case, as_user: str = "admin") -> dict:
    response = case.api.get(items_url(case), as_user=as_user)
    assert response.status_code == 200, response.json
    [item] = response.json
    return item


def act(case, item_id: int, verb: str, body: dict, as_user: str, status: int = 200) -> dict:
    response = case.api.post(items_url(case, item_id, verb), as_user=as_user, json=body)
    assert response.status_code == status, response.json
    return response.json


def test_the_investigation_registers_its_evidence_through_the_service_task(case):
    item = the_item(case, as_user="investigator")
    assert item["identifier"] == f"{CASE_NUMBER}-L001"
    assert (item["kind"], item["owner"], item["status"]) == ("phone", "Līga Kalniņa", "seized")
    assert item["holder"] == {"kind": "institution", "code": "POLICE"}
    assert item["storage_place"] == "Rīgas policijas noliktava, plaukts 4"
    assert item["description"] == "Mobilais tālrunis: Melns, saplaisājis ekrāns"
    assert case.data["evidence"][0]["identifier"] == item["identifier"]
    [registered] = case.api.get(items_url(case, item["id"])).json["chain"]
    assert (registered["action"], registered["actor"], registered["from_holder"]) == (
        "registered", "process:investigation", None)
    assert registered["note"] == "Evidence officer I. Liepa"


def test_the_full_custody_chain_from_seizure_to_the_owner(case, clock):
    item_id = the_item(case)["id"]
    act(case, item_id, "move", {"to": {"institution": "FORENSIC"}, "status": "sent_for_examination",
                                "storage_place": "VTEB laboratorija"}, as_user="inv_riga")
    # The expert takes no part in the case, but reads and acknowledges the item they now hold.
    assert case.api.get(items_url(case), as_user="expert").status_code == 404
    act(case, item_id, "acknowledge", {"note": "Saņemts ekspertīzei"}, as_user="expert")
    act(case, item_id, "move", {"to": {"unit": "POLICE:RIGA"}, "status": "in_storage",
                                "storage_place": "Rīgas policijas noliktava"}, as_user="expert")
    act(case, item_id, "acknowledge", {}, as_user="inv_riga")
    case.do("record_action", {"next_step": "hand_over"}, as_user="investigator")
    case.do("hand_over", HAND_OVER, as_user="investigator")
    assert case.ready_elements() == ["prosecutor_decision"]
    act(case, item_id, "acknowledge", {}, as_user="pros_riga")
    returned = act(case, item_id, "return", {"owner_name": "Līga Kalniņa", "owner_acknowledged": True},
                   as_user="pros_riga")

    assert returned["status"] == "returned_to_owner"
    assert returned["holder"] == {"kind": "owner", "code": "Līga Kalniņa"}
    chain = returned["chain"]
    assert [(e["seq"], e["action"], e["status"]) for e in chain] == [
        (1, "registered", "seized"), (2, "moved", "sent_for_examination"), (3, "moved", "in_storage"),
        (4, "transferred_with_case", "transferred_with_case"), (5, "returned_to_owner", "returned_to_owner")]
    assert [(e["from_holder"] or {}).get("code") for e in chain] == [
        None, "POLICE", "FORENSIC", "POLICE:RIGA", "PROSECUTION"]
    assert [e["to_holder"]["code"] for e in chain] == [
        "POLICE", "FORENSIC", "POLICE:RIGA", "PROSECUTION", "Līga Kalniņa"]
    assert [e["actor"] for e in chain] == [
        "process:investigation", "inv_riga", "expert", "process:investigation", "pros_riga"]
    assert [[(a["party"], a["by"]) for a in e["acknowledgements"]] for e in chain] == [
        [], [("receiver", "expert")], [("receiver", "inv_riga")], [("receiver", "pros_riga")],
        [("owner", "Līga Kalniņa")]]
    assert chain[1]["acknowledgements"][0]["note"] == "Saņemts ekspertīzei"
    assert chain[1]["to_place"] == "VTEB laboratorija" and chain[2]["from_place"] == "VTEB laboratorija"
    assert all(e["at"] == clock.now().isoformat() for e in chain)  # the injected clock, never the wall's
    assert not any(e["awaits_receiver"] for e in chain)
    # The chain is closed: nothing moves a returned item.
    refused = act(case, item_id, "move", {"to": {"institution": "POLICE"}}, as_user="pros_riga", status=409)
    assert "returned_to_owner" in refused["message"]


@pytest.mark.parametrize(("user", "status"), [
    ("investigator", 403),  # takes part in the case, but neither they nor their unit holds the item
    ("prosecutor", 403),  # named the supervising prosecutor, so reads the case; the police hold the item
    ("outsider", 404),  # takes no part in the case: the item does not exist for them
])
def test_a_move_is_refused_when_the_mover_does_not_hold_the_item(case, user, status):
    item_id = the_item(case)["id"]
    refused = act(case, item_id, "move", {"to": {"user": user}}, as_user=user, status=status)
    if status == 403:
        assert "institution:POLICE" in refused["message"]
    assert [e["action"] for e in case.api.get(items_url(case, item_id)).json["chain"]] == ["registered"]


def test_the_receiver_acknowledges_once(case):
    item_id = the_item(case)["id"]
    act(case, item_id, "move", {"to": {"user": "inv_riga"}}, as_user="inv_riga")
    act(case, item_id, "acknowledge", {}, as_user="inv_riga")
    act(case, item_id, "acknowledge", {}, as_user="inv_riga", status=409)


def test_items_follow_the_case_to_court(case, api):
    item_id = the_item(case)["id"]
    case.do("record_action", {"next_step": "hand_over"}, as_user="investigator")
    case.do("hand_over", HAND_OVER, as_user="investigator")
    case.do("prosecutor_decision", CHARGE, as_user="prosecutor")
    chain = case.api.get(items_url(case, item_id)).json["chain"]
    assert [(e["action"], e["to_holder"]["code"]) for e in chain] == [
        ("registered", "POLICE"), ("transferred_with_case", "PROSECUTION"), ("transferred_with_case", "COURT")]
    assert chain[-1]["note"].startswith("case_to_court thrown:")
    court_cases = api.get("/api/v1/process-instances?process_id=court_intake", as_user="clerk_riga").json
    [court_case] = [c for c in court_cases if c["business_key"] == CASE_NUMBER]
    # The court's clerk reads the items through the court's own case, which carries the case number.
    court_items = api.get(f"/api/v1/cases/{court_case['id']}/items", as_user="clerk_riga").json
    assert [i["identifier"] for i in court_items] == [f"{CASE_NUMBER}-L001"]
