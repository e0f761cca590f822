"""The modeler with four-eyes approval on (as in production): deploying from the page proposes the
new version, the page says it waits for a second analyst, and cases keep starting on the approved one."""

from __future__ import annotations

import pytest

from tests.browser.flows import sign_in, start_case
from tests.conftest import make_app


@pytest.fixture
def app(database_url, clock, sandbox, tmp_path):
    app = make_app(database_url, clock, sandbox, tmp_path, four_eyes_approval=True)
    yield app
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_version_deployed_from_the_modeler_waits_for_approval(pages, live):
    # The test model was deployed by the fixture's analyst: with four eyes on it waits too, so a
    # second person approves it before the page is used.
    approved = live.api.post("/api/v1/process-definitions/evidence_intake/versions/1/approve", as_user="admin",
                             json={"comment": "checked"})
    assert approved.status_code == 200, approved.json
    page = pages(locale="en-GB")
    sign_in(page, "analyst", check=False)
    page.goto("/modeler?from=evidence_intake&version=1")
    page.wait_until("document.getElementById('modeler').dataset.ready === 'true'")
    page.page.evaluate("""() => {
      const modeler = window.lietaModeler;
      const task = modeler.get('elementRegistry').get('review_case');
      modeler.get('modeling').updateProperties(task, { name: 'Review the case again' });
    }""")
    page.page.get_by_role("button", name="Deploy as a new version").click()
    page.wait_until("document.getElementById('modeler').dataset.deployed === '201'")
    assert "proposed: a second process analyst approves it" in page.page.locator("#status").inner_text()
    page.check("modeler-proposed")
    versions = {v["version"]: v["status"] for v in
                live.api.get("/api/v1/process-definitions/evidence_intake/versions", as_user="admin").json}
    assert versions == {1: "approved", 2: "proposed"}
    instance_id = start_case(live, "KL-00903")
    assert live.api.get(f"/api/v1/process-instances/{instance_id}").json["version"] == 1
