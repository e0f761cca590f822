"""The message catalogue: who may throw and catch each message, checked at deployment and again at
run time; payloads checked against their schema; the envelope in both sides' histories; forged and
eavesdropping models refused."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.support.bpmn_builder import ProcessBuilder

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {"case_id": {"type": "string"}, "verdict": {"$ref": "#/$defs/verdict"}},
    "required": ["verdict"],
    "$defs": {"verdict": {"enum": ["guilty", "acquitted"]}},
}


def court_process():
    p = ProcessBuilder("awaits_decision")
    p.message("msg_decision", "court_decision", {"case_id": "case_id"})
    p.start()
    p.message_catch("decision", "msg_decision", variable="decision")
    p.user_task("execute", "Execute the decision", lane="Prosecutor")
    p.end()
    p.chain("start", "decision", "execute", "end")
    return p.xml()


def forger_process():
    """An analyst's model that throws another process's message with another case's values."""
    p = ProcessBuilder("forger")
    p.message("msg_decision", "court_decision", {"case_id": "case_id"})
    p.start()
    p.message_throw("forge", "msg_decision", payload="{'case_id': case_id, 'verdict': 'acquitted'}")
    p.end()
    p.chain("start", "forge", "end")
    return p.xml()


def sender_process():
    p = ProcessBuilder("prosecution")
    p.message("msg_handover", "case_handover", {"case_id": "case_id"})
    p.start()
    p.message_throw("send", "msg_handover", payload="{'case_id': case_id, 'charge': charge}")
    p.user_task("follow", "Follow the case", lane="Prosecutor")
    p.end()
    p.chain("start", "send", "follow", "end")
    return p.xml()


def catcher_process(process_id, start_by_message=False):
    """The court's intake, or an eavesdropper built the same way."""
    p = ProcessBuilder(process_id)
    p.message("msg_handover", "case_handover", {"case_id": "case_id"})
    if start_by_message:
        p.message_start("start", "msg_handover", variable="handover")
        p.user_task("read", "Read the handover", lane="Clerk")
        p.end()
        p.chain("start", "read", "end")
    else:
        p.start()
        p.message_catch("receive", "msg_handover", variable="handover")
        p.user_task("read", "Read the handover", lane="Clerk")
        p.end()
        p.chain("start", "receive", "read", "end")
    return p.xml()


def put(api, name, body, as_user="admin"):
    return api.client.put(f"/api/v1/message-catalogue/{name}", headers=api.headers(as_user), json=body)


def history(api, instance_id):
    return api.get(f"/api/v1/process-instances/{instance_id}/history").json


def ready(api, instance_id):
    return [t["element_id"] for t in api.ready_tasks(instance_id)]


def instances_of(api, process_id):
    with api.app.app_context():
        from engine.models import ProcessInstance
        from webapp.extensions import db

        query = select(ProcessInstance.id).where(ProcessInstance.process_id == process_id).order_by(ProcessInstance.created_at)
        return list(db.session.scalars(query))


def waiting_court_case(api, case_id):
    instance_id = api.start("awaits_decision", data={"case_id": case_id}).json["id"]
    assert ready(api, instance_id) == []
    return instance_id


# --- the admin API ---------------------------------------------------------------------------


def test_an_entry_is_created_changed_and_versioned_by_an_admin_and_audited(api):
    body = {"senders": ["@external", "prosecution"], "receivers": ["court_intake"], "payload_schema": None}
    created = put(api, "case_handover", body)
    assert created.status_code == 201
    assert {k: created.json[k] for k in ("name", "senders", "receivers", "payload_schema", "version")} == {
        "name": "case_handover", "senders": ["@external", "prosecution"], "receivers": ["court_intake"],
        "payload_schema": None, "version": 1,
    }
    same = put(api, "case_handover", {**body, "senders": ["prosecution", "@external"]})
    assert (same.status_code, same.json["version"]) == (200, 1)
    changed = put(api, "case_handover", {**body, "payload_schema": VERDICT_SCHEMA})
    assert (changed.status_code, changed.json["version"], changed.json["payload_schema"]) == (200, 2, VERDICT_SCHEMA)
    assert put(api, "case_handover", {**body, "receivers": []}).json["version"] == 3
    assert put(api, "other", body).status_code == 201
    listed = api.get("/api/v1/message-catalogue", as_user="clerk")
    assert [(e["name"], e["version"]) for e in listed.json] == [("case_handover", 3), ("other", 1)]
    one = api.get("/api/v1/message-catalogue/case_handover", as_user="clerk")
    assert one.status_code == 200 and one.json["receivers"] == [] and one.json["updated_by"] == "admin"
    assert api.get("/api/v1/message-catalogue/nothing").status_code == 404
    with api.app.app_context():
        from engine.models import AuditEvent
        from webapp.extensions import db

        rows = db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == "message_catalogue_changed").order_by(AuditEvent.id)
        ).all()
    assert [(r.actor, r.data["name"], r.data["version"]) for r in rows] == [
        ("admin", "case_handover", 1), ("admin", "case_handover", 2), ("admin", "case_handover", 3), ("admin", "other", 1),
    ]
    assert rows[1].data["before"]["payload_schema"] is None


@pytest.mark.parametrize("user", ["analyst", "clerk", "prosecutor"])
def test_only_an_admin_changes_the_catalogue(api, user):
    response = put(api, "x", {"senders": ["a"], "receivers": ["b"], "payload_schema": None}, as_user=user)
    assert response.status_code == 403
    assert api.get("/api/v1/message-catalogue").json == []


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"senders": "a", "receivers": [], "payload_schema": None}, "/senders", ""),
        ({"senders": [], "receivers": [], "payload_schema": {"$ref": "file:///etc/passwd"}}, "/payload_schema",
         "file:///etc/passwd"),
        ({"senders": [], "receivers": [], "payload_schema": {"$ref": "http://127.0.0.1:9/schema.json"}},
         "/payload_schema", "only inside itself"),
        ({"senders": [], "receivers": [], "payload_schema": {"$id": "http://127.0.0.1:9/", "$ref": "#/x"}},
         "/payload_schema", "$id"),
        ({"senders": [], "receivers": [], "payload_schema": {"type": 5}}, "/payload_schema", "not a valid JSON Schema"),
        ({"senders": ["a"], "receivers": ["@external"], "payload_schema": None}, "/receivers", "only be a sender"),
    ],
    ids=["senders-not-a-list", "file-ref", "http-ref", "foreign-id", "invalid-schema", "external-receiver"],
)
def test_a_bad_entry_is_refused_naming_the_field(api, body, field, words):
    response = put(api, "bad", body)
    assert response.status_code == 422, response.json
    assert field in [e["field"] for e in response.json["errors"]]
    assert words in json.dumps(response.json, ensure_ascii=False)
    assert api.get("/api/v1/message-catalogue/bad").status_code == 404


# --- deployment --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("catalogue", "files", "element", "words"),
    [
        ({}, {"court.bpmn": court_process()}, "decision", "'court_decision' is not in the message catalogue"),
        ({"court_decision": (["@external"], ["someone_else"])}, {"court.bpmn": court_process()}, "decision",
         "'awaits_decision' may not catch message 'court_decision'"),
        ({"court_decision": (["@external"], ["awaits_decision"])}, {"forger.bpmn": forger_process()}, "forge",
         "'forger' may not throw message 'court_decision'"),
    ],
    ids=["undeclared-message", "undeclared-receiver", "undeclared-sender"],
)
def test_deploying_a_model_with_an_undeclared_message_element_is_refused(api, catalogue, files, element, words):
    for name, (senders, receivers) in catalogue.items():
        api.declare_message(name, senders, receivers)
    response = api.deploy(files)
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["element"] == element and problem["file"] == next(iter(files)) and problem["line"]
    assert words in problem["message"]
    assert api.get("/api/v1/process-definitions").json == []


# --- forged messages ---------------------------------------------------------------------------


def test_a_forged_message_is_refused_at_deployment_and_again_at_run_time(api):
    api.declare_message("court_decision", ["@external"], ["awaits_decision"], VERDICT_SCHEMA)
    assert api.deploy({"court.bpmn": court_process()}).status_code == 201
    victim = waiting_court_case(api, "A")
    assert api.deploy({"forger.bpmn": forger_process()}).status_code == 422
    # The catalogue is changed to let it deploy, then changed back: the thrown message is refused.
    api.declare_message("court_decision", ["@external", "forger"], ["awaits_decision"], VERDICT_SCHEMA)
    assert api.deploy({"forger.bpmn": forger_process()}).status_code == 201
    assert put(api, "court_decision", {"senders": ["@external"], "receivers": ["awaits_decision"],
                                       "payload_schema": VERDICT_SCHEMA}).json["version"] == 3
    forger = api.start("forger", data={"case_id": "A"}).json["id"]
    body = api.get(f"/api/v1/process-instances/{forger}").json
    assert body["status"] == "error"
    [incident] = body["incidents"]
    assert incident["message"] == (
        "element forge: message 'court_decision' was refused: the message catalogue does not list process "
        "'forger' among its senders"
    )
    assert ready(api, victim) == []
    assert "decision" not in api.get(f"/api/v1/process-instances/{victim}").json["data"]
    assert "message_delivered" not in [h["event"] for h in history(api, victim)]
    [refused] = api.get("/api/v1/messages?status=refused").json
    assert refused["delivered_to"] == [] and refused["source_instance_id"] == forger
    assert refused["envelope"]["sender"] == {"process_id": "forger", "instance_id": forger}
    assert refused["envelope"]["schema_version"] == 3
    [event] = [h for h in history(api, forger) if h["event"] == "message_refused"]
    assert event["data"]["name"] == "court_decision" and event["data"]["correlation"] == {"case_id": "A"}
    # Nothing to run again; an admin who has looked may skip it and the case carries on (here: ends).
    assert api.post(f"/api/v1/incidents/{incident['id']}/retry").status_code == 409
    assert api.post(f"/api/v1/incidents/{incident['id']}/skip").status_code == 200
    assert api.get(f"/api/v1/process-instances/{forger}").json["status"] == "completed"
    assert ready(api, victim) == []


# --- eavesdropping -----------------------------------------------------------------------------


@pytest.fixture
def handover(api):
    api.declare_message("case_handover", ["prosecution"], ["court_intake"])
    response = api.deploy({"sender.bpmn": sender_process(), "intake.bpmn": catcher_process("court_intake")})
    assert response.status_code == 201, response.json
    return api


@pytest.mark.parametrize("start_by_message", [False, True], ids=["catch-event", "message-start"])
def test_an_eavesdropper_is_refused_at_deployment_and_never_gets_a_copy(handover, start_by_message):
    api = handover
    snoop = catcher_process("snoop", start_by_message)
    response = api.deploy({"snoop.bpmn": snoop})
    assert response.status_code == 422
    assert response.json["errors"][0]["element"] in ("receive", "start")
    assert "'snoop' may not catch message 'case_handover'" in response.json["errors"][0]["message"]
    api.declare_message("case_handover", ["prosecution"], ["court_intake", "snoop"])
    assert api.deploy({"snoop.bpmn": snoop}).status_code == 201
    api.declare_message("case_handover", ["prosecution"], ["court_intake"])
    snooping = None if start_by_message else api.start("snoop", data={"case_id": "K-2"}).json["id"]
    intake = api.start("court_intake", data={"case_id": "K-2"}).json["id"]
    sender = api.start("prosecution", data={"case_id": "K-2", "charge": "theft"}).json["id"]
    assert ready(api, intake) == ["read"]
    assert api.get(f"/api/v1/process-instances/{intake}").json["data"]["handover"] == {"case_id": "K-2", "charge": "theft"}
    if snooping:
        assert ready(api, snooping) == []
        assert "handover" not in api.get(f"/api/v1/process-instances/{snooping}").json["data"]
    # With no wait left, the message would start instances by message: never the eavesdropper's.
    api.start("prosecution", data={"case_id": "K-3", "charge": "fraud"})
    assert instances_of(api, "snoop") == ([snooping] if snooping else [])
    sent = [h for h in history(api, sender) if h["event"] == "message_sent"]
    assert [s["data"]["delivered_to"] for s in sent] == [[intake]]


def test_the_envelope_is_in_the_history_of_both_sides(handover):
    api = handover
    intake = api.start("court_intake", business_key="COURT-7", data={"case_id": "K-7"}).json["id"]
    sender = api.start("prosecution", business_key="PROS-7", data={"case_id": "K-7", "charge": "theft"}).json["id"]
    [sent] = [h for h in history(api, sender) if h["event"] == "message_sent"]
    [delivered] = [h for h in history(api, intake) if h["event"] == "message_delivered"]
    assert sent["data"]["name"] == "case_handover" and sent["data"]["correlation"] == {"case_id": "K-7"}
    assert sent["data"]["status"] == "delivered" and sent["data"]["delivered_to"] == [intake]
    assert sent["data"]["message_id"] == delivered["data"]["message_id"]
    envelope = delivered["data"]["envelope"]
    assert envelope == sent["data"]["envelope"]
    assert envelope["id"] == sent["data"]["message_id"] and envelope["envelope_version"] == 1
    assert envelope["sender"] == {"process_id": "prosecution", "instance_id": sender}
    assert envelope["receivers"] == ["court_intake"] and envelope["delivered_to"] == [intake]
    assert (envelope["name"], envelope["schema_version"], envelope["case_reference"]) == ("case_handover", 1, "PROS-7")
    assert envelope["sent_at"].startswith("2027-01-04")


# --- payloads and posting ----------------------------------------------------------------------


def test_a_posted_payload_is_checked_against_the_schema(api):
    api.declare_message("court_decision", ["@external"], ["awaits_decision"], VERDICT_SCHEMA)
    assert api.deploy({"court.bpmn": court_process()}).status_code == 201
    victim = waiting_court_case(api, "A")
    bad = api.post("/api/v1/messages", json={
        "name": "court_decision", "correlation": {"case_id": "A"}, "payload": {"verdict": "maybe"}, "message_id": "p-1",
    })
    assert bad.status_code == 422
    assert bad.json["errors"][0]["field"] == "/payload/verdict"
    assert "version 1" in bad.json["message"]
    assert ready(api, victim) == []
    good = api.post("/api/v1/messages", json={
        "name": "court_decision", "correlation": {"case_id": "A"}, "payload": {"verdict": "guilty"}, "message_id": "p-1",
    })
    assert good.json == {"status": "delivered", "delivered_to": [victim]}


@pytest.mark.parametrize(
    ("name", "senders", "status", "words"),
    [
        ("court_decision", ["awaits_decision"], 403, "@external"),
        ("nobody_declared", None, 422, "not in the message catalogue"),
    ],
)
def test_posting_needs_external_among_the_senders(api, name, senders, status, words):
    if senders is not None:
        api.declare_message(name, senders, ["awaits_decision"])
    response = api.post("/api/v1/messages", json={"name": name, "correlation": {}, "payload": {}, "message_id": "x"})
    assert response.status_code == status
    assert words in response.json["message"]


def test_a_thrown_payload_that_breaks_the_schema_is_an_incident_on_the_sender(handover):
    api = handover
    api.declare_message("case_handover", ["prosecution"], ["court_intake"], {
        "type": "object", "properties": {"charge": {"type": "string"}}, "required": ["charge"],
    })
    intake = api.start("court_intake", data={"case_id": "K-8"}).json["id"]
    sender = api.start("prosecution", data={"case_id": "K-8", "charge": 5}).json["id"]
    body = api.get(f"/api/v1/process-instances/{sender}").json
    assert body["status"] == "error"
    assert "its payload does not match the schema (version 2): /charge: 5 is not of type 'string'" in body["incidents"][0]["message"]
    assert ready(api, intake) == []


# --- the catalogue file ------------------------------------------------------------------------


def test_the_cli_loads_a_catalogue_file_all_or_nothing(api, tmp_path):
    good = tmp_path / "messages.json"
    good.write_text(json.dumps({
        "case_handover": {"senders": ["prosecution"], "receivers": ["court_intake"], "payload_schema": None},
        "court_decision": {"senders": ["@external"], "receivers": ["awaits_decision"], "payload_schema": VERDICT_SCHEMA},
    }))
    runner = api.app.test_cli_runner()
    result = runner.invoke(args=["messages", "catalogue", "load", str(good)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["case_handover v1 (new)", "court_decision v1 (new)"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({
        "case_handover": {"senders": ["someone"], "receivers": ["court_intake"], "payload_schema": None},
        "third": {"senders": [], "receivers": [], "payload_schema": {"$ref": "file:///etc/passwd"}},
    }))
    result = runner.invoke(args=["messages", "catalogue", "load", str(bad)])
    assert result.exit_code == 2
    assert "/third/payload_schema" in result.output and "Traceback" not in result.output
    listed = api.get("/api/v1/message-catalogue").json
    assert [(e["name"], e["version"], e["senders"]) for e in listed] == [
        ("case_handover", 1, ["prosecution"]), ("court_decision", 1, ["@external"]),
    ]
    (tmp_path / "broken.json").write_text("{")
    for path in (tmp_path / "broken.json", tmp_path / "missing.json"):
        result = runner.invoke(args=["messages", "catalogue", "load", str(path)])
        assert result.exit_code == 2 and result.output.startswith("error: ")


def test_the_bundled_catalogue_declares_every_message_of_the_bundled_models():
    from pathlib import Path

    from engine.bundle import parse_bundle
    from engine.message_catalogue import CATCHES, parse_entry, uses

    root = Path(__file__).resolve().parents[2]
    catalogue = json.loads((root / "bpmn" / "messages.json").read_text())
    for name, body in catalogue.items():
        parse_entry(name, body)  # raises InvalidInput naming the field
    bundle = parse_bundle([(p.name, p.read_bytes()) for p in sorted((root / "bpmn").glob("*.bpmn")) + sorted((root / "bpmn").glob("*.dmn"))])
    assert not bundle.errors
    for process in bundle.processes:
        for use in uses(process.spec, process.subprocess_specs):
            declared = catalogue[use.name]["receivers" if use.direction == CATCHES else "senders"]
            assert process.process_id in declared, use
