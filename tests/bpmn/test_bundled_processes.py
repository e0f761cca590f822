"""The whole `bpmn/` + `forms/` folder, as `make run` deploys it, checked statically: whatever
processes it holds deploy cleanly, every thrown message has a catcher in the folder, every user
task has a form in both languages, every lane names a role that exists, no money is a number, and
every element is drawn."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from engine.bundle import parse_bundle
from engine.forms import schema_problems
from engine.lint import lint
from engine.roles import roles_for_lane
from tests.bpmn.conftest import REPO, bundle_files, load_catalogue
from tests.bpmn.test_bilingual_bundled_forms import SAME_IN_BOTH, labels

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
MODELS = sorted((REPO / "bpmn").glob("*.bpmn"))
PROCESSES = [path.stem for path in MODELS]
FLOW_NODES = (
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "task",
    "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask", "receiveTask",
    "subProcess", "callActivity", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
)
THROWERS = ("intermediateThrowEvent", "endEvent", "sendTask")
CATCHERS = ("startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask")
MONEY_SUFFIXES = ("amount", "fee", "sum", "_eur")


def _model(process_id: str) -> etree._Element:
    return etree.parse(str(REPO / "bpmn" / f"{process_id}.bpmn")).getroot()


def _process(process_id: str) -> etree._Element:
    process = _model(process_id).find(f"bpmn:process[@id='{process_id}']", NS)
    assert process is not None, f"bpmn/{process_id}.bpmn holds no process {process_id!r} (one process per file)"
    return process


def _message_names(root, tags) -> set[str]:
    names = {m.get("id"): m.get("name") for m in root.iterfind("bpmn:message", NS)}
    found = set()
    for tag in tags:
        for element in root.iterfind(f".//bpmn:{tag}", NS):
            if tag in ("sendTask", "receiveTask") and element.get("messageRef"):
                found.add(names[element.get("messageRef")])
            for definition in element.iterfind("bpmn:messageEventDefinition", NS):
                found.add(names[definition.get("messageRef")])
    return found


def _thrown() -> list[tuple[str, str]]:
    return [(p, name) for p in PROCESSES for name in sorted(_message_names(_model(p), THROWERS))]


def _user_tasks() -> list[tuple[str, etree._Element]]:
    return [(p, task) for p in PROCESSES for tag in ("userTask",) for task in _process(p).iterfind(f".//bpmn:{tag}", NS)]


def _form_name(task, kind: str) -> str | None:
    for prop in task.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        if prop.get("name") == kind:
            return prop.get("value")
    return None


def test_the_whole_folder_deploys_in_one_upload_without_a_warning(api):
    load_catalogue(api)
    files = bundle_files()
    response = api.deploy(files)
    assert response.status_code == 201, response.json
    assert response.json["warnings"] == []
    assert sorted((p["process_id"], p["version"], p["new"]) for p in response.json["processes"]) == [
        (p, 1, True) for p in PROCESSES
    ]
    again = api.deploy(files)
    assert again.status_code == 200, again.json
    assert all(not p["new"] for p in again.json["processes"])
    definitions = api.get("/api/v1/process-definitions").json
    assert sorted(d["process_id"] for d in definitions) == PROCESSES


def test_parser_xsd_and_lint_find_nothing():
    bundle = parse_bundle(sorted(bundle_files().items()))
    assert bundle.problems == []
    assert sorted(p.process_id for p in bundle.processes) == PROCESSES
    assert lint(bundle) == []


@pytest.mark.parametrize(("process_id", "message"), _thrown(), ids=[f"{p}:{m}" for p, m in _thrown()])
def test_every_thrown_message_has_a_declared_catcher_in_the_folder(process_id, message):
    catalogue = json.loads((REPO / "bpmn" / "messages.json").read_text(encoding="utf-8"))
    assert message in catalogue, f"{message} is not in bpmn/messages.json"
    assert process_id in catalogue[message]["senders"]
    catchers = [p for p in PROCESSES if message in _message_names(_model(p), CATCHERS)]
    assert catchers, f"{process_id} throws {message} but no model in bpmn/ catches it"
    assert set(catchers) <= set(catalogue[message]["receivers"]), (catchers, catalogue[message]["receivers"])


def test_every_caught_message_is_declared_for_its_catcher():
    catalogue = json.loads((REPO / "bpmn" / "messages.json").read_text(encoding="utf-8"))
    for process_id in PROCESSES:
        for message in _message_names(_model(process_id), CATCHERS):
            assert process_id in catalogue.get(message, {}).get("receivers", []), (process_id, message)


@pytest.mark.parametrize(("process_id", "task"), _user_tasks(), ids=[f"{p}:{t.get('id')}" for p, t in _user_tasks()])
def test_every_user_task_has_a_form_in_both_languages(process_id, task):
    form, ui = _form_name(task, "formJsonSchemaFilename"), _form_name(task, "formUiSchemaFilename")
    assert form and form.startswith(process_id + "."), task.get("id")
    assert ui and ui.startswith(process_id + "."), task.get("id")
    text = (REPO / "forms" / form).read_text(encoding="utf-8")
    assert schema_problems(text) == []
    for document in (json.loads(text), json.loads((REPO / "forms" / ui).read_text(encoding="utf-8"))):
        assert isinstance(document, dict)
        missing = [(where, key) for where, key, label, english in labels(document)
                   if english is None and label not in SAME_IN_BOTH]
        assert missing == [], f"{form}: labels without English"
    assert json.loads(text).get("title") and json.loads(text).get("x-title-en"), form
    assert task.find("bpmn:documentation", NS) is not None, task.get("id")


@pytest.mark.parametrize("process_id", PROCESSES)
def test_every_lane_names_a_role_that_exists(api, process_id):
    known = {role["code"] for role in api.get("/api/v1/roles").json}
    lanes = _process(process_id).findall("bpmn:laneSet/bpmn:lane", NS)
    assert lanes, process_id
    for lane in lanes:
        roles = roles_for_lane(lane.get("name"))
        assert roles and set(roles) <= known, (lane.get("name"), roles)


def _money_problems(node, where=""):
    if isinstance(node, dict):
        for name, schema in (node.get("properties") or {}).items():
            if isinstance(schema, dict):
                money = schema.get("x-money") is True or name.lower().endswith(MONEY_SUFFIXES)
                if money and (schema.get("type") != "string" or schema.get("pattern") != r"^\d+\.\d{2}$"):
                    yield f"{where}/properties/{name}"
        for key, value in node.items():
            if key not in ("const", "enum", "default", "examples"):
                yield from _money_problems(value, f"{where}/{key}")
            if key == "type" and (value == "number" or (isinstance(value, list) and "number" in value)):
                yield f"{where}: a float field"
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _money_problems(item, f"{where}/{i}")


FORM_FILES = sorted((REPO / "forms").glob("*.json"))


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_no_form_holds_money_or_anything_else_as_a_float(path: Path):
    assert list(_money_problems(json.loads(path.read_text(encoding="utf-8")))) == []


def test_the_money_check_finds_a_float_amount():
    """The check above can fail: a number amount and a number anywhere are both reported."""
    form = {"properties": {"claimed_amount": {"type": "number"}, "items": {"type": "array", "items": {
        "type": "object", "properties": {"weight": {"type": "number"}, "fee": {"type": "string"}}}}}}
    assert sorted(_money_problems(form)) == sorted([
        "/properties/claimed_amount", "/properties/claimed_amount: a float field",
        "/properties/items/items/properties/fee", "/properties/items/items/properties/weight: a float field",
    ])


@pytest.mark.parametrize("process_id", PROCESSES)
def test_every_element_is_drawn(process_id):
    root = _model(process_id)
    process = _process(process_id)
    assert process.get("isExecutable") == "true"
    assert process.find("bpmn:documentation", NS).text.strip()
    participant = root.find("bpmn:collaboration/bpmn:participant", NS)
    assert participant is not None and participant.get("processRef") == process_id
    plane = root.find("bpmndi:BPMNDiagram/bpmndi:BPMNPlane", NS)
    assert plane.get("bpmnElement") == root.find("bpmn:collaboration", NS).get("id")
    shapes = {s.get("bpmnElement"): s for s in plane.findall("bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in plane.findall("bpmndi:BPMNEdge", NS)}
    nodes = [el for tag in FLOW_NODES for el in process.findall(f"bpmn:{tag}", NS)]
    lanes = process.findall("bpmn:laneSet/bpmn:lane", NS)
    for element in [participant, *lanes, *nodes]:
        shape = shapes.get(element.get("id"))
        assert shape is not None, f"{element.get('id')} has no BPMNShape"
        bounds = shape.find("dc:Bounds", NS)
        assert float(bounds.get("width")) > 0 and float(bounds.get("height")) > 0
    for flow in process.findall("bpmn:sequenceFlow", NS):
        edge = edges.get(flow.get("id"))
        assert edge is not None, f"{flow.get('id')} has no BPMNEdge"
        assert len(edge.findall("di:waypoint", NS)) >= 2
    lane_of = {}
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            assert ref.text not in lane_of, f"{ref.text} is in two lanes"
            lane_of[ref.text] = lane.get("id")
    for node in nodes:
        node_id = node.get("id")
        if node.tag == f"{{{NS['bpmn']}}}boundaryEvent":
            continue  # drawn on its task's border
        assert node_id in lane_of, f"{node_id} is in no lane"
        box, band = shapes[node_id].find("dc:Bounds", NS), shapes[lane_of[node_id]].find("dc:Bounds", NS)
        top, bottom = float(band.get("y")), float(band.get("y")) + float(band.get("height"))
        assert top <= float(box.get("y")) and float(box.get("y")) + float(box.get("height")) <= bottom, node_id


@pytest.mark.parametrize("process_id", PROCESSES)
def test_every_element_is_documented(process_id):
    """The issue's rule for bundled models: each element says what it is for."""
    process = _process(process_id)
    undocumented = [
        element.get("id") for tag in FLOW_NODES for element in process.iterfind(f".//bpmn:{tag}", NS)
        if element.find("bpmn:documentation", NS) is None
    ]
    assert undocumented == []


def test_every_form_file_is_used():
    referenced = set()
    for process_id in PROCESSES:
        for prop in _model(process_id).iterfind(".//spiffworkflow:property", NS):
            if prop.get("name") in ("formJsonSchemaFilename", "formUiSchemaFilename"):
                referenced.add(prop.get("value"))
    assert {p.name for p in FORM_FILES} == referenced


@pytest.mark.parametrize("process_id", PROCESSES)
def test_service_tasks_name_registered_operations(app, process_id):
    """A service task whose operation the app does not register would only fail when reached."""
    registered = app.extensions["lieta_engine"].operations.names()
    for task in _model(process_id).iterfind(".//bpmn:serviceTask", NS):
        operator = task.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
        assert operator is not None, task.get("id")
        assert operator.get("id") in registered, (task.get("id"), operator.get("id"), registered)
        assert operator.get("resultVariable"), task.get("id")
        assert task.find("bpmn:documentation", NS) is not None, task.get("id")


@pytest.mark.parametrize(
    ("process_id", "starter", "outsider"),
    [
        ("legal_aid_appointment", "court_clerk", "advocate_a"),
        ("legal_aid_appointment", "court_clerk", "investigator"),
        ("investigation", "investigator", "advocate_a"),
        ("state_compensation_claim", "clerk", "comp_officer"),
    ],
)
def test_only_the_start_lane_opens_a_case(api, bundle, process_id, starter, outsider):
    """The start event's lane says who opens a case by hand: an advocate cannot open a defence
    request (one arriving by message needs no lane). The starter passes the lane and meets the
    start form: without its data, 422 naming the fields, never 403."""
    refused = api.start(process_id, as_user=outsider)
    assert refused.status_code == 403, refused.json
    allowed = api.start(process_id, as_user=starter)
    assert allowed.status_code in (201, 422), allowed.json
    if allowed.status_code == 422:
        assert allowed.json["errors"], allowed.json
