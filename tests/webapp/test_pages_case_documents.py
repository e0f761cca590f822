"""The case page lists the case's documents and downloads them for the case's people only."""

from __future__ import annotations

import pytest

from tests.support.bpmn_builder import linear_process
from tests.webapp.pages_support import sign_in


@pytest.fixture
def issued(api):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    instance_id = api.start("linear", as_user="clerk", data={"case_number": "11816000777"}).json["id"]
    response = api.post(f"/api/v1/process-instances/{instance_id}/documents",
                        json={"template": "refusal_decision", "format": "pdf"})
    assert response.status_code == 201, response.json
    return instance_id, response.json


def signed_in(app, username):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    sign_in(client, username)
    return client


def test_the_case_page_lists_and_downloads_the_documents(app, issued):
    instance_id, document = issued
    clerk = signed_in(app, "clerk")
    page = clerk.get(f"/cases/{instance_id}").get_data(as_text=True)
    link = f"/cases/{instance_id}/documents/{document['id']}"
    assert link in page
    assert "Lēmums par atteikšanos uzsākt kriminālprocesu (PDF, sealed)" in page
    assert "issued a document" in page  # the history names the event
    download = clerk.get(link)
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"] == 'attachment; filename="refusal_decision-11816000777.pdf"'


def test_someone_outside_the_case_gets_404(app, issued):
    instance_id, document = issued
    outsider = signed_in(app, "outsider")
    assert outsider.get(f"/cases/{instance_id}/documents/{document['id']}").status_code == 404
    assert signed_in(app, "clerk").get(f"/cases/{instance_id}/documents/not-a-document").status_code == 404


def test_a_case_without_documents_says_so(api, app):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    instance_id = api.start("linear", as_user="clerk").json["id"]
    page = signed_in(app, "clerk").get(f"/cases/{instance_id}").get_data(as_text=True)
    assert "No document has been issued in this case." in page
