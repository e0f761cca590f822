"""The register's service operations as a deployed model calls them: its parameters are untrusted
(each refusal is an incident on the calling case naming what was wrong, and nothing is kept), and
an operation reaches only the calling case's items."""

from __future__ import annotations

import pytest

from tests.support.bpmn_builder import ProcessBuilder

ITEM = "{'kind': 'phone', 'description': 'Melns tālrunis', 'storage_place': 'Noliktava', 'owner': 'Līga'}"


def model(operations: list[tuple[str, dict[str, str]]]) -> str:
    """start → one service task per operation → a user task → end."""
    p = ProcessBuilder("seizure_ops")
    ids = [p.start()]
    for number, (operation, params) in enumerate(operations):
        ids.append(p.service_task(f"op_{number}", operation, params, result=f"result_{number}"))
    ids += [p.user_task("after", "After", lane="Clerk"), p.end()]
    p.chain(*ids)
    return p.xml()


def run(api, operations, business_key: str = "11816000555") -> dict:
    assert api.deploy({"seizure_ops.bpmn": model(operations)}).status_code == 201
    started = api.start("seizure_ops", business_key=business_key)
    assert started.status_code == 201, started.json
    return api.get(f"/api/v1/process-instances/{started.json['id']}").json


def items(api, instance_id: str) -> list[dict]:
    response = api.get(f"/api/v1/cases/{instance_id}/items")
    assert response.status_code == 200, response.json
    return response.json


def test_register_move_and_return_in_the_cases_first_change(api):
    """The case is new (not yet stored) when its first steps register and move items."""
    instance = run(api, [
        ("register_item", {"items": f"[{ITEM}, {ITEM}]", "holder": "'POLICE:RIGA'"}),
        ("move_item", {"all_items": "True", "to": "'PROSECUTION'", "status": "'transferred_with_case'"}),
        ("return_item", {"identifier": "'11816000555-L002'", "owner_name": "'Līga'", "owner_acknowledged": "True"}),
    ])
    assert instance["status"] == "running" and instance["incidents"] == [], instance
    assert instance["data"]["result_0"] == ["11816000555-L001", "11816000555-L002"]
    assert instance["data"]["result_2"] == "11816000555-L002"
    listed = items(api, instance["id"])
    assert [(i["status"], i["holder"]["code"]) for i in listed] == [
        ("transferred_with_case", "PROSECUTION"), ("returned_to_owner", "Līga")]
    chain = api.get(f"/api/v1/cases/{instance['id']}/items/{listed[1]['id']}").json["chain"]
    assert [(e["action"], e["actor"]) for e in chain] == [
        ("registered", "process:seizure_ops"), ("transferred_with_case", "process:seizure_ops"),
        ("returned_to_owner", "process:seizure_ops")]
    assert chain[-1]["acknowledgements"] == [{"party": "owner", "by": "Līga", "at": chain[-1]["at"], "note": ""}]


@pytest.mark.parametrize(("operations", "says"), [
    ([("register_item", {"items": f"[{ITEM}]"})], "needs the holder"),
    ([("register_item", {"items": f"[{ITEM}]", "holder": "'MARS'"})], "there is no institution 'MARS'"),
    ([("register_item", {"items": f"[{ITEM}]", "holder": "'POLICE'", "colour": "'red'"})], "unknown parameters: colour"),
    ([("register_item", {"items": "'not a list'", "holder": "'POLICE'"})], "items must be a list"),
    ([("register_item", {"items": "[{'kind': 'spaceship', 'description': 'x', 'storage_place': 'y'}]",
                         "holder": "'POLICE'"})], "/items/0/kind"),
    ([("register_item", {"items": "[{'kind': 'phone', 'description': 'x' * 3000, 'storage_place': 'y'}]",
                         "holder": "'POLICE'"})], "/items/0/description"),
    ([("register_item", {"items": f"[{ITEM}] * 101", "holder": "'POLICE'"})], "at most 100"),
    ([("register_item", {"items": f"[{ITEM}]", "holder": "'POLICE'", "case_number": "'11816000999'"})],
     "names another case"),
    ([("register_item", {"items": f"[{ITEM}]", "holder": "'POLICE'"}),
      ("move_item", {"identifier": "'11816000999-L001'", "to": "'COURT'"})], "does not exist in this case"),
    ([("register_item", {"items": f"[{ITEM}]", "holder": "'POLICE'"}),
      ("move_item", {"identifier": "'11816000555-L001'", "to": "'COURT'", "status": "'returned_to_owner'"})],
     "not a status a move may set"),
    ([("register_item", {"items": f"[{ITEM}]", "holder": "'POLICE'"}),
      ("return_item", {"identifier": "'11816000555-L001'", "owner_name": "'Līga'", "owner_acknowledged": "False"})],
     "the owner must acknowledge"),
    ([("register_item", {"items": f"[{ITEM}]", "holder": "'POLICE'"}),
      ("return_item", {"identifier": "'11816000555-L001'", "owner_name": "'Līga'", "owner_acknowledged": "True"}),
      ("move_item", {"identifier": "'11816000555-L001'", "to": "'POLICE'"})], "custody chain is closed"),
])
def test_bad_parameters_stop_the_case_with_an_incident_naming_them(api, operations, says):
    instance = run(api, operations)
    assert instance["status"] == "error", instance
    [incident] = instance["incidents"]
    assert says in incident["message"], incident["message"]
    # The failing step added nothing; the steps before it are kept with the case (the change that
    # led to an incident is kept, so an admin's retry continues from the failed step).
    assert len(items(api, instance["id"])) == (0 if len(operations) == 1 else 1)


def test_an_operation_outside_a_case_is_refused(app):
    from engine.errors import InvalidInput
    from engine.services import property_process

    with app.app_context():
        engine = app.extensions["lieta_engine"]
        with pytest.raises(InvalidInput, match="runs only as a service task of a case"):
            property_process.register_item(engine, {"holder": "POLICE", "items": []})
