"""The process analyst's modeler end to end: open a copy of a deployed process, add a user task
(through bpmn-js's API), validate with the server's own check (the problem is marked on its
element and listed; selecting it selects the element), fix it in the Lieta panel, deploy a new
version from the page, start a case on it and find the new task in an inbox; the version's
diagram shows the same counts as the API."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from tests.browser.flows import sign_in, start_case

# Makes room after the start event and puts a user task there, in the clerk's lane, on the
# path start → new task → register_evidence. Its form names a file the bundle lacks: a problem.
ADD_TASK = """() => {
  const modeler = window.lietaModeler;
  const registry = modeler.get('elementRegistry');
  const modeling = modeler.get('modeling');
  const start = registry.get('start');
  const register = registry.get('register_evidence');
  modeling.moveElements([register, registry.get('review_case'), registry.get('end')], { x: 160, y: 0 });
  const task = modeling.createShape({ type: 'bpmn:UserTask' }, { x: 310, y: 150 }, registry.get('Participant_evidence_intake'));
  modeling.updateProperties(task, { id: 'check_exhibits', name: 'Check the exhibits' });
  modeling.reconnectEnd(registry.get('flow_1'), task, { x: 260, y: 150 });
  modeling.connect(task, register);
  const moddle = modeler.get('moddle');
  const property = moddle.create('spiffworkflow:Property', { name: 'formJsonSchemaFilename', value: 'evidence_intake.exhibits.json' });
  const properties = moddle.create('spiffworkflow:Properties', { properties: [property] });
  const extensions = moddle.create('bpmn:ExtensionElements', { values: [properties] });
  modeling.updateProperties(task, { extensionElements: extensions });
  return task.businessObject.lanes ? task.businessObject.lanes.length : 0;
}"""


def test_an_analyst_adds_a_task_validates_fixes_deploys_and_the_case_shows_it(pages, live):
    page = pages()
    sign_in(page, "analyst")
    page.click_and_load(page.page.get_by_role("link", name="Procesi"))
    page.check("processes")
    page.click_and_load(page.page.locator("tr[data-process=evidence_intake][data-version='1'] a").nth(1))
    page.wait_until("document.getElementById('modeler').dataset.ready === 'true'")
    page.check("modeler")
    page.page.evaluate(ADD_TASK)

    page.page.get_by_role("button", name="Pārbaudīt").click()
    page.wait_until("document.getElementById('modeler').dataset.checked === '422'")
    badge = page.page.locator(".lieta-problem-badge[data-element=check_exhibits]")
    assert badge.is_visible()
    assert page.page.locator("g.djs-element.lieta-problem[data-element-id=check_exhibits]").count() == 1
    listed = page.page.locator("#problems button[data-element=check_exhibits]")
    assert "evidence_intake.exhibits.json" in listed.inner_text()
    listed.click()
    selected = page.page.evaluate("window.lietaModeler.get('selection').get().map(e => e.id)")
    assert selected == ["check_exhibits"]
    page.check("modeler-problem")

    # The fix, in the Lieta panel: the task gets a form file the bundle has.
    page.page.get_by_label("Formas fails").select_option("evidence_intake.review.json")
    page.page.get_by_role("button", name="Pārbaudīt").click()
    page.wait_until("document.getElementById('modeler').dataset.checked === '200'")
    assert page.page.locator(".lieta-problem-badge").count() == 0
    assert live.api.get("/api/v1/process-definitions").json[-1]["version"] == 1  # the check stored nothing

    page.page.get_by_role("button", name="Izvietot kā jaunu versiju").click()
    page.wait_until("document.getElementById('modeler').dataset.deployed === '201'")
    assert page.page.locator("#status a[data-version='2']").count() == 1
    page.check("modeler-deployed")

    instance_id = start_case(live, "KL-00901")
    assert live.api.get(f"/api/v1/process-instances/{instance_id}").json["version"] == 2
    start_case(live, "KL-00902")
    clerk = pages()
    sign_in(clerk, "clerk", check=False)
    assert clerk.page.get_by_role("link", name="Check the exhibits").count() == 2
    clerk.check("inbox-new-task")

    page.goto("/processes/evidence_intake/2")
    page.wait_until("document.getElementById('diagram').dataset.ready === 'true'")
    shown = {
        badge.get_attribute("data-element"): int(badge.inner_text())
        for badge in page.page.locator(".lieta-count").all()
    }
    api_counts = live.api.get("/api/v1/process-definitions/evidence_intake/versions/2/element-counts").json
    assert shown == api_counts == {"check_exhibits": 2}
    page.check("version-counts")


ROOT = Path(__file__).resolve().parents[2]
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def spiff_items(xml: str) -> list[tuple]:
    """Every spiffworkflow extension element of a model: its tag, attributes and text."""
    root = etree.fromstring(xml.encode())
    return sorted(
        (etree.QName(e).localname, tuple(sorted(e.attrib.items())), (e.text or "").strip())
        for e in root.iter(f"{SPIFF}*")
    )


def deploy_bundled(live, process_id: str, extra: list[str] = ()) -> None:
    catalogue = json.loads((ROOT / "bpmn" / "messages.json").read_text())
    for name, entry in catalogue.items():
        live.api.declare_message(name, entry["senders"], entry["receivers"], entry.get("payload_schema"))
    files = {name: (ROOT / "bpmn" / name).read_text() for name in [f"{process_id}.bpmn", *extra]}
    files |= {path.name: path.read_text() for path in sorted((ROOT / "forms").glob(f"{process_id}.*.json"))}
    response = live.api.deploy(files)
    assert response.status_code == 201, response.json


def test_a_bundled_process_opens_validates_clean_and_keeps_its_extensions(pages, live):
    deploy_bundled(live, "sentence_execution")
    page = pages(locale="en-GB")
    sign_in(page, "analyst", check=False)
    page.goto("/modeler?from=sentence_execution&version=1")
    page.wait_until("document.getElementById('modeler').dataset.ready === 'true'")
    page.check("modeler-bundled")
    page.page.get_by_role("button", name="Validate").click()
    page.wait_until("document.getElementById('modeler').dataset.checked === '200'")
    saved = page.page.evaluate("window.lietaModeler.saveXML({ format: true }).then(r => r.xml)")
    original = (ROOT / "bpmn" / "sentence_execution.bpmn").read_text()
    assert spiff_items(saved) == spiff_items(original)
    # The service task's operator, parameters and resultVariable (another bundled model) too.
    legal_aid = (ROOT / "bpmn" / "legal_aid_appointment.bpmn").read_text()
    again = page.page.evaluate(
        "xml => window.lietaModeler.importXML(xml).then(() => window.lietaModeler.saveXML({ format: true })).then(r => r.xml)",
        legal_aid,
    )
    assert spiff_items(again) == spiff_items(legal_aid)
    assert any(item[0] == "serviceTaskOperator" and ("resultVariable", "proposal") in item[1] for item in spiff_items(again))
    page.check("modeler-bundled-checked")


def test_a_new_process_draft_survives_a_reload_and_downloads(pages, live):
    page = pages(locale="en-GB")
    sign_in(page, "analyst", check=False)
    page.goto("/processes")
    page.click_and_load(page.page.get_by_role("link", name="Model a new process"))
    page.wait_until("document.getElementById('modeler').dataset.ready === 'true'")
    assert page.page.get_by_role("button", name="Restore the saved draft").is_hidden()
    page.page.evaluate("""() => {
      const modeler = window.lietaModeler;
      const root = modeler.get('canvas').getRootElement();
      modeler.get('modeling').updateProperties(root, { id: 'seized_goods', name: 'Seized goods' });
    }""")
    page.page.get_by_role("button", name="Save draft").click()
    page.wait_until("document.querySelector('#status .flash-success') !== null")
    page.goto("/modeler")
    page.wait_until("document.getElementById('modeler').dataset.ready === 'true'")
    page.page.get_by_role("button", name="Restore the saved draft").click()
    page.wait_until("window.lietaModeler.get('canvas').getRootElement().id === 'seized_goods'")
    page.check("modeler-draft")
    with page.page.expect_download() as download_info:
        page.page.get_by_role("button", name="Download BPMN").click()
    download = download_info.value
    assert download.suggested_filename == "seized_goods.bpmn"
    assert 'id="seized_goods"' in Path(download.path()).read_text()
    assert live.api.get("/api/v1/process-definitions").json[-1]["process_id"] == "evidence_intake"  # nothing deployed


# The same edit on a copy of a bundled process: a task between the claim's receipt and its
# registration, in the clerk's lane, first with a form file the bundle lacks.
ADD_RECEIPT_CHECK = """() => {
  const modeler = window.lietaModeler;
  const registry = modeler.get('elementRegistry');
  const modeling = modeler.get('modeling');
  const task = modeling.createShape({ type: 'bpmn:UserTask' }, { x: 330, y: 800 },
                                    registry.get('Participant_state_compensation_claim'));
  modeling.updateProperties(task, { id: 'check_receipt', name: 'Check the receipt' });
  modeling.reconnectEnd(registry.get('flow_start'), task, { x: 330, y: 840 });
  modeling.connect(task, registry.get('register_claim'));
  const moddle = modeler.get('moddle');
  const property = moddle.create('spiffworkflow:Property', { name: 'formJsonSchemaFilename',
                                                              value: 'state_compensation_claim.receipt.json' });
  const properties = moddle.create('spiffworkflow:Properties', { properties: [property] });
  modeling.updateProperties(task, { extensionElements: moddle.create('bpmn:ExtensionElements', { values: [properties] }) });
  return task.businessObject.lanes ? task.businessObject.lanes.map(l => l.id) : [];
}"""


def test_a_copy_of_a_bundled_process_gets_a_task_deployed_and_started(pages, live):
    from tests.bpmn.test_state_compensation_claim import APPLICATION

    deploy_bundled(live, "state_compensation_claim", extra=["compensation_amount.dmn"])
    page = pages(locale="en-GB")
    sign_in(page, "analyst", check=False)
    page.goto("/modeler?from=state_compensation_claim&version=1")
    page.wait_until("document.getElementById('modeler').dataset.ready === 'true'")
    assert page.page.evaluate(ADD_RECEIPT_CHECK) == ["Lane_clerk"]
    page.page.get_by_role("button", name="Validate").click()
    page.wait_until("document.getElementById('modeler').dataset.checked === '422'")
    assert page.page.locator(".lieta-problem-badge[data-element=check_receipt]").is_visible()
    assert "state_compensation_claim.receipt.json" in page.page.locator(
        "#problems button[data-element=check_receipt]").inner_text()
    page.check("modeler-bundled-problem")
    page.page.evaluate("window.lietaModeler.get('selection').select("
                       "window.lietaModeler.get('elementRegistry').get('check_receipt'))")
    page.page.get_by_label("Form file").select_option("state_compensation_claim.register.json")
    page.page.get_by_role("button", name="Validate").click()
    page.wait_until("document.getElementById('modeler').dataset.checked === '200'")
    page.page.get_by_role("button", name="Deploy as a new version").click()
    page.wait_until("document.getElementById('modeler').dataset.deployed === '201'")
    page.check("modeler-bundled-deployed")

    started = live.api.start("state_compensation_claim", as_user="clerk", data=APPLICATION)
    assert started.status_code == 201, started.json
    assert started.json["version"] == 2
    assert [t["element_id"] for t in live.api.ready_tasks(started.json["id"], as_user="clerk")] == ["check_receipt"]
    clerk = pages(locale="en-GB")
    sign_in(clerk, "clerk", check=False)
    assert clerk.page.get_by_role("link", name="Check the receipt").count() == 1
    clerk.check("inbox-bundled-new-task")
