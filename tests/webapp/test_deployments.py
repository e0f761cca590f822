import json

import pytest

from tests.support.bpmn_builder import ProcessBuilder, linear_process

FORM = {
    "type": "object",
    "required": ["decision"],
    "properties": {"decision": {"type": "string", "enum": ["approve", "reject"]}, "note": {"type": "string"}},
}


def with_form(process_id="formed", form="decide.json"):
    p = ProcessBuilder(process_id)
    p.start()
    p.user_task("decide", "Decide", lane="Clerk", form=form)
    p.end()
    p.chain("start", "decide", "end")
    return p.xml()


def with_script(script, process_id="scripted"):
    p = ProcessBuilder(process_id)
    p.start()
    p.script_task("compute", script)
    p.user_task("look", "Look", lane="Clerk")
    p.end()
    p.chain("start", "compute", "look", "end")
    return p.xml()


def definitions(api):
    response = api.get("/api/v1/process-definitions")
    assert response.status_code == 200
    return [(d["process_id"], d["version"]) for d in response.json]


def test_first_deployment_creates_version_1(api):
    response = api.deploy({"linear.bpmn": linear_process()})
    assert response.status_code == 201, response.json
    assert response.json["processes"] == [{"process_id": "linear", "version": 1, "new": True}]
    assert definitions(api) == [("linear", 1)]


def test_identical_content_keeps_its_version_and_answers_200(api):
    assert api.deploy({"linear.bpmn": linear_process()}).status_code == 201
    again = api.deploy({"linear.bpmn": linear_process()})
    assert again.status_code == 200, again.json
    assert again.json["processes"] == [{"process_id": "linear", "version": 1, "new": False}]
    assert definitions(api) == [("linear", 1)]


def test_changed_content_gets_the_next_version(api):
    api.deploy({"linear.bpmn": linear_process(tasks=2)})
    response = api.deploy({"linear.bpmn": linear_process(tasks=3)})
    assert response.status_code == 201
    assert response.json["processes"][0]["version"] == 2
    assert definitions(api) == [("linear", 1), ("linear", 2)]


def test_a_changed_form_alone_makes_a_new_version(api):
    api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(FORM)})
    changed = dict(FORM, properties={**FORM["properties"], "extra": {"type": "integer"}})
    response = api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(changed)})
    assert response.status_code == 201
    assert response.json["processes"] == [{"process_id": "formed", "version": 2, "new": True}]


def test_only_changed_processes_of_a_bundle_get_new_versions(api):
    api.deploy({"a.bpmn": linear_process("a", 2), "b.bpmn": linear_process("b", 2)})
    response = api.deploy({"a.bpmn": linear_process("a", 2), "b.bpmn": linear_process("b", 4)})
    assert response.status_code == 201
    assert sorted((p["process_id"], p["version"], p["new"]) for p in response.json["processes"]) == [
        ("a", 1, False), ("b", 2, True),
    ]


def refused(response):
    assert response.status_code == 422, (response.status_code, response.json)
    body = response.json
    assert set(body) == {"message", "errors"}
    assert body["errors"], body
    for problem in body["errors"]:
        assert set(problem) == {"file", "element", "line", "message"}
    return body["errors"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<bpmn:process id="p" isExecutable="true"><bpmn:documentation>&xxe;</bpmn:documentation></bpmn:process>
</bpmn:definitions>"""


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"broken.bpmn": b"<bpmn:definitions"}, "not well-formed XML"),
        ({"xxe.bpmn": XXE}, "document type declarations"),
        ({"lol.bpmn": BILLION_LAUGHS}, "document type declarations"),
        ({"note.txt": b"hello"}, "unsupported file type"),
        ({"other.bpmn": b"<html><body>not bpmn</body></html>"}, "not a BPMN 2.0 document"),
        ({"bin.bpmn": b"\xff\xfe\x00\x01"}, "not UTF-8"),
        (
            {"bad.bpmn": linear_process().replace("<bpmn:startEvent", "<bpmn:startEvnt").replace("</bpmn:startEvent", "</bpmn:startEvnt")},
            "startEvnt",
        ),
        ({"formed.bpmn": with_form()}, "is not in the upload"),
        ({"formed.bpmn": with_form(), "decide.json": "{not json"}, "not valid JSON"),
        ({"formed.bpmn": with_form(), "decide.json": '{"type": "no-such-type"}'}, "not a valid JSON Schema"),
        ({"only.json": "{}"}, "holds no .bpmn file"),
    ],
    ids=["malformed", "xxe", "billion-laughs", "not-a-model", "html", "binary", "xsd", "form-missing",
         "form-not-json", "form-not-schema", "no-bpmn"],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(api, files, expected):
    errors = refused(api.deploy(files))
    assert any(expected in e["message"] for e in errors), errors
    assert definitions(api) == []
    with api.app.app_context():
        from engine.models import AuditEvent, Deployment
        from webapp.extensions import db

        assert db.session.query(Deployment).count() == 0
        assert db.session.query(AuditEvent).filter_by(event="deployment").count() == 0


def test_script_escape_is_refused_at_deployment_naming_the_element(api):
    errors = refused(api.deploy({"s.bpmn": with_script("x = ().__class__.__base__.__subclasses__()")}))
    assert errors[0]["element"] == "compute"
    assert errors[0]["file"] == "s.bpmn"
    assert isinstance(errors[0]["line"], int)
    assert "_" in errors[0]["message"]


@pytest.mark.parametrize(
    "condition", ["__import__('os').system('true')", "open('/etc/passwd').read() == ''", "[x for x in (1,)).gi_frame"],
    ids=["import", "open", "syntax-error"],
)
def test_gateway_condition_escapes_and_syntax_errors_are_refused(api, condition):
    p = ProcessBuilder("cond")
    p.start()
    p.exclusive("gw", default="flow_gw_b")
    p.user_task("a", lane="Clerk")
    p.user_task("b", lane="Clerk")
    p.end("end_a")
    p.end("end_b")
    p.chain("start", "gw")
    p.flow("gw", "a", condition=condition)
    p.flow("gw", "b", flow_id="flow_gw_b")
    p.chain("a", "end_a")
    p.chain("b", "end_b")
    errors = refused(api.deploy({"cond.bpmn": p.xml()}))
    assert errors[0]["element"] == "gw"


def test_user_task_outside_a_lane_is_a_warning_not_an_error(api):
    response = api.deploy({"free.bpmn": linear_process("free", tasks=1, lane=None)})
    assert response.status_code == 201
    assert response.json["warnings"][0]["element"] == "task_1"
    assert "outside any lane" in response.json["warnings"][0]["message"]


def test_upload_over_the_limit_gets_413_and_stores_nothing(api):
    # The multipart body is built by hand: the test client would spool it to a temp file that it
    # never closes when the server refuses to read the body.
    boundary = "lieta-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="huge.bpmn"\r\n\r\n'.encode()
        + b"<a>" + b"x" * (50 * 1024 * 1024) + b"</a>"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = api.post(
        "/api/v1/deployments", as_user="analyst", data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert set(response.json) == {"message", "errors"}
    assert "limit" in response.json["message"]
    assert definitions(api) == []


@pytest.mark.parametrize("user", ["clerk", "prosecutor"])
def test_deploying_needs_the_analyst_or_admin_role(api, user):
    response = api.deploy({"linear.bpmn": linear_process()}, as_user=user)
    assert response.status_code == 403
    assert "process_analyst" in response.json["message"]


def test_deploy_without_files_is_a_clear_422(api):
    response = api.post("/api/v1/deployments", as_user="analyst", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "files" in response.json["message"]


@pytest.mark.parametrize(
    ("prop", "schema"),
    [
        ("claimed_amount", {"type": "number", "exclusiveMinimum": 0}),
        ("court_fee", {"type": "integer"}),
        ("total_eur", {"type": "string"}),
        ("price", {"type": "number", "x-money": True}),
    ],
)
def test_money_as_a_number_is_refused_at_deployment(api, prop, schema):
    form = {"type": "object", "properties": {"decision": {"type": "string"}, prop: schema}}
    errors = refused(api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(form)}))
    assert [(e["file"], e["element"]) for e in errors] == [("decide.json", None)]
    assert f"/properties/{prop}" in errors[0]["message"] and "holds money" in errors[0]["message"]
    assert definitions(api) == []


def test_money_as_a_string_with_cents_is_deployed_and_enforced(api):
    form = {"type": "object", "properties": {"decision": {"type": "string"},
                                             "claimed_amount": {"type": "string", "pattern": r"^\d+\.\d{2}$"}}}
    assert api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(form)}).status_code == 201
    instance_id = api.start("formed", as_user="clerk").json["id"]
    task_id = api.ready_tasks(instance_id)[0]["id"]
    for bad in (12.5, "12.5", "12", "1e3"):
        response = api.complete(task_id, {"claimed_amount": bad}, as_user="clerk")
        assert response.status_code == 422, (bad, response.json)
        assert [e["field"] for e in response.json["errors"]] == ["/claimed_amount"]
    assert api.complete(task_id, {"claimed_amount": "12.50"}, as_user="clerk").status_code == 200
