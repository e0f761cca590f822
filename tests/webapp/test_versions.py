"""Acceptance (issue 15, part 1): four-eyes approval of new process versions, and the diff a
reviewer reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.models import AuditEvent
from tests.conftest import make_app
from tests.support.bpmn_builder import linear_process
from tests.webapp.conftest import Api

ROOT = Path(__file__).resolve().parents[2]
REVIEWERS = {
    "admin": ["admin"],
    "analyst": ["process_analyst"],
    "analyst2": ["process_analyst"],
    "clerk": ["clerk"],
}


@pytest.fixture
def four_eyes(database_url, clock, sandbox, tmp_path):
    app = make_app(database_url, clock, sandbox, tmp_path, four_eyes_approval=True)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    api = Api(app, client)
    api.create_users(REVIEWERS)
    yield api
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _decide(api: Api, action: str, version: int, as_user: str, comment: str = "checked against the law", process="linear"):
    return api.post(f"/api/v1/process-definitions/{process}/versions/{version}/{action}", as_user=as_user,
                    json={"comment": comment})


def _audited(api: Api, event: str) -> list[AuditEvent]:
    with api.app.app_context():
        return list(api.engine().session().query(AuditEvent).filter_by(event=event).order_by(AuditEvent.id))


def test_settings_default_on_in_production_and_off_in_demo(tmp_path):
    from webapp.settings import Settings

    assert Settings.from_env("/tmp", environ={}).four_eyes_approval is False  # demo mode, as `make run`
    assert Settings.from_env("/tmp", environ={"LIETA_DEMO": "0"}).four_eyes_approval is True
    # Production also needs the seal's files to start (only their existence is checked here).
    cert, key = tmp_path / "seal.pem", tmp_path / "seal.key"
    cert.write_text("certificate"), key.write_text("key")
    production = {"LIETA_ENV": "production", "DATABASE_URL": "sqlite:///x", "LIETA_SECRET_KEY": "k" * 20,
                  "LIETA_SEAL_CERT": str(cert), "LIETA_SEAL_KEY": str(key)}
    assert Settings.from_env("/tmp", environ=production).four_eyes_approval is True
    assert Settings.from_env("/tmp", environ=production | {"LIETA_FOUR_EYES": "0"}).four_eyes_approval is False


def test_without_four_eyes_a_deployment_is_approved_at_once(api):
    response = api.deploy({"linear.bpmn": linear_process(tasks=1)})
    assert response.status_code == 201
    assert response.json["processes"] == [{"process_id": "linear", "version": 1, "new": True}]  # as before
    assert api.start("linear").status_code == 201


def test_a_proposed_version_waits_for_a_second_person(four_eyes):
    api = four_eyes
    response = api.deploy({"linear.bpmn": linear_process(tasks=1)}, as_user="analyst")
    assert response.status_code == 201, response.json
    assert response.json["processes"] == [{"process_id": "linear", "version": 1, "new": True, "status": "proposed"}]
    # Nothing starts on a proposed version, by default or by naming it.
    assert api.start("linear").status_code == 404
    named = api.start("linear", version=1)
    assert named.status_code == 409 and "not approved" in named.json["message"]
    listed = api.get("/api/v1/process-definitions", as_user="analyst").json
    assert [(d["version"], d["status"], d["may_start"]) for d in listed] == [(1, "proposed", False)]

    own = _decide(api, "approve", 1, "analyst")
    assert own.status_code == 403, own.json
    assert "uploaded" in own.json["message"]
    assert _decide(api, "approve", 1, "clerk").status_code == 403
    assert _decide(api, "approve", 1, "analyst2", comment="").status_code == 422

    approved = _decide(api, "approve", 1, "analyst2")
    assert approved.status_code == 200, approved.json
    assert approved.json | {"deployed_at": None} == {
        "process_id": "linear", "version": 1, "name": "Linear 1", "deployed_at": None, "status": "approved", "current": True,
        "proposed_by": "analyst", "decided_by": "analyst2", "decided_at": approved.json["decided_at"],
        "comment": "checked against the law",
    }
    assert _decide(api, "reject", 1, "admin").status_code == 409  # decided once
    started = api.start("linear")
    assert started.status_code == 201 and started.json["version"] == 1
    assert [e.actor for e in _audited(api, "version_proposed")] == ["analyst"]
    (event,) = _audited(api, "version_approved")
    assert event.actor == "analyst2" and event.data["comment"] == "checked against the law"


def test_a_rejected_version_never_starts_an_instance(four_eyes):
    api = four_eyes
    api.deploy({"linear.bpmn": linear_process(tasks=1)}, as_user="analyst")
    assert _decide(api, "approve", 1, "admin").status_code == 200
    api.deploy({"linear.bpmn": linear_process(tasks=2)}, as_user="analyst")
    rejected = _decide(api, "reject", 2, "analyst2", comment="the second task has no legal basis")
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    for _ in range(3):
        started = api.start("linear")
        assert started.status_code == 201 and started.json["version"] == 1
    assert api.start("linear", version=2).status_code == 409
    assert _decide(api, "approve", 2, "admin").status_code == 409
    # The same files again are a new proposal (version 3), not the rejected version 2.
    again = api.deploy({"linear.bpmn": linear_process(tasks=2)}, as_user="analyst")
    assert again.json["processes"][0] | {} == {"process_id": "linear", "version": 3, "new": True, "status": "proposed"}
    versions = api.get("/api/v1/process-definitions/linear/versions", as_user="analyst").json
    assert [(v["version"], v["status"], v["current"]) for v in versions] == [
        (1, "approved", True), (2, "rejected", False), (3, "proposed", False)]
    (event,) = _audited(api, "version_rejected")
    assert event.data == {"process_id": "linear", "version": 2, "comment": "the second task has no legal basis",
                          "proposed_by": "analyst"}


def test_a_rejected_version_never_starts_an_instance_by_message(four_eyes):
    from tests.support.bpmn_builder import ProcessBuilder

    api = four_eyes

    def receiver(task_name: str) -> str:
        p = ProcessBuilder("receiver", name="Receiver")
        p.message("msg_hello", "hello", {"case_ref": "case_ref"})
        p.message_start("start", "msg_hello")
        p.user_task("handle", task_name, lane="Clerk")
        p.end()
        p.chain("start", "handle", "end")
        return p.xml()

    api.declare_message("hello", ["@external"], ["receiver"])
    assert api.deploy({"receiver.bpmn": receiver("First")}, as_user="analyst").status_code == 201
    assert _decide(api, "approve", 1, "admin", process="receiver").status_code == 200
    assert api.deploy({"receiver.bpmn": receiver("Second")}, as_user="analyst").status_code == 201
    assert _decide(api, "reject", 2, "admin", process="receiver").status_code == 200
    sent = api.post("/api/v1/messages", json={"name": "hello", "correlation": {"case_ref": "A-1"},
                                              "payload": {}, "message_id": "m-1"})
    assert sent.status_code == 200 and sent.json["status"] == "delivered", sent.json
    (instance_id,) = sent.json["delivered_to"]
    assert api.get(f"/api/v1/process-instances/{instance_id}").json["version"] == 1


def _bundle(process: str) -> dict[str, bytes]:
    files = {f"{process}.bpmn": (ROOT / "bpmn" / f"{process}.bpmn").read_bytes()}
    for form in sorted((ROOT / "forms").glob(f"{process}.*.json")):
        files[form.name] = form.read_bytes()
    return files


def test_the_diff_of_a_bundled_process_against_an_edited_copy(four_eyes):
    api = four_eyes
    process = "legal_aid_appointment"
    with api.app.app_context():
        engine = api.engine()
        engine.catalogue.load(engine.users.by_username("admin"), json.loads((ROOT / "bpmn" / "messages.json").read_text()))
    original = _bundle(process)
    first = api.deploy(original, as_user="analyst")
    assert first.status_code == 201, first.json
    assert _decide(api, "approve", 1, "admin", process=process).status_code == 200

    edited = dict(original)
    bpmn = edited[f"{process}.bpmn"].decode()
    bpmn = bpmn.replace('<bpmn:userTask id="elder_review" name="Name the advocate">',
                        '<bpmn:userTask id="elder_review" name="Name the advocate (elder)">')
    edited[f"{process}.bpmn"] = bpmn.encode()
    form_name = next(name for name in sorted(edited) if name.endswith(".json") and not name.endswith(".ui.json"))
    edited[form_name] = edited[form_name].replace(b'"type"', b'"description": "x", "type"', 1)
    second = api.deploy(edited, as_user="analyst")
    assert second.status_code == 201, second.json
    assert second.json["processes"][0]["status"] == "proposed"

    diff = api.get(f"/api/v1/process-definitions/{process}/versions/2/diff", as_user="analyst2")
    assert diff.status_code == 200, diff.json
    body = diff.json
    assert (body["version"], body["against"], body["status"]) == (2, 1, "proposed")
    assert body["elements"]["added"] == [] and body["elements"]["removed"] == []
    assert [(e["id"], e["attributes"]) for e in body["elements"]["changed"]] == [("elder_review", ["bpmn_name"])]
    assert body["forms"] == {"added": [], "removed": [], "changed": [form_name]}
    assert body["decisions"] == {"added": [], "removed": [], "changed": []}
    assert api.get(f"/api/v1/process-definitions/{process}/versions/2/diff", as_user="clerk").status_code == 403
    assert api.get(f"/api/v1/process-definitions/{process}/versions/9/diff", as_user="analyst").status_code == 404


def test_the_cli_reviews_as_a_named_person(four_eyes):
    api = four_eyes
    api.deploy({"linear.bpmn": linear_process(tasks=1)}, as_user="analyst")
    api.deploy({"linear.bpmn": linear_process(tasks=2)}, as_user="analyst")
    runner = api.app.test_cli_runner()
    own = runner.invoke(args=["processes", "approve", "linear", "1", "--as", "analyst", "--comment", "mine"])
    assert own.exit_code == 2 and "uploaded" in own.output
    assert runner.invoke(args=["processes", "approve", "linear", "1", "--as", "nobody", "--comment", "x"]).exit_code == 2
    approved = runner.invoke(args=["processes", "approve", "linear", "1", "--as", "analyst2", "--comment", "ok"])
    assert approved.exit_code == 0, approved.output
    diff = runner.invoke(args=["processes", "diff", "linear", "2"])
    assert diff.exit_code == 0, diff.output
    body = json.loads(diff.output)
    assert (body["against"], [e["id"] for e in body["elements"]["added"]]) == (1, ["task_2"])
    rejected = runner.invoke(args=["processes", "reject", "linear", "2", "--as", "admin", "--comment", "not needed"])
    assert rejected.exit_code == 0, rejected.output
    listed = runner.invoke(args=["processes", "versions", "linear"])
    assert listed.output.splitlines() == [
        "v1  approved current  proposed by analyst by analyst2: ok",
        "v2  rejected  proposed by analyst by admin: not needed",
    ]
