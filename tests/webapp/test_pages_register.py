"""The case's register page, its forms (CSRF, holding, the owner's acknowledgement), the list of
evidence and the QR labels as PDFs opened back with pypdf, and the `flask items` commands."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.webapp.pages_support import csrf_of, sign_in
from tests.webapp.register_support import seizure_cases


@pytest.fixture
def cases(api):
    return seizure_cases(api)


@pytest.fixture
def page_of(app):
    def make(username: str, language: str = "lv"):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        sign_in(client, username)
        return client

    return make


def pdf_text(data: bytes) -> str:
    """The text of every page, each run of white space one space (a table cell wraps its lines)."""
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_the_page_lists_items_with_their_chain_and_the_case_page_links_it(cases, page_of):
    client = page_of("police_riga", "en")
    page = client.get(f"/cases/{cases.riga}/items")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "11816000777-L001" in html and "Melns tālrunis" in html and "Custody chain of 11816000777-L001" in html
    assert "Hand over" in html and "Return to the owner" in html  # the holder gets the forms
    case_page = client.get(f"/cases/{cases.riga}").get_data(as_text=True)
    assert f'href="/cases/{cases.riga}/items"' in case_page
    assert "registered an item of the property register" in case_page  # the register's events are in the history


def test_another_units_register_page_and_pdfs_are_404(cases, page_of):
    client = page_of("police_kurzeme")
    for path in ("", "/evidence.pdf", f"/{cases.phone['id']}/label.pdf"):
        assert client.get(f"/cases/{cases.riga}/items{path}").status_code == 404, path
    token = csrf_of(client.get("/"))
    refused = client.post(f"/cases/{cases.riga}/items/{cases.phone['id']}/move",
                          data={"csrf_token": token, "to_kind": "institution", "to_code": "POLICE"})
    assert refused.status_code == 404


def test_a_hand_over_then_a_return_through_the_forms(api, cases, page_of):
    client = page_of("police_riga", "en")
    base = f"/cases/{cases.riga}/items/{cases.phone['id']}"
    token = csrf_of(client.get(f"/cases/{cases.riga}/items"))
    assert client.post(f"{base}/move", data={"to_kind": "unit", "to_code": "POLICE:RIGA"}).status_code == 400  # no CSRF
    moved = client.post(f"{base}/move", data={"csrf_token": token, "to_kind": "user", "to_code": "police_riga",
                                              "storage_place": "Seifs 2", "status": "in_storage"})
    assert moved.status_code == 302
    unsigned = client.post(f"{base}/return", data={"csrf_token": token, "owner_name": "Līga Kalniņa"})
    assert unsigned.status_code == 422 and "the owner must acknowledge" in unsigned.get_data(as_text=True)
    returned = client.post(f"{base}/return", data={"csrf_token": token, "owner_name": "Līga Kalniņa",
                                                   "owner_acknowledged": "yes"}, follow_redirects=True)
    assert returned.status_code == 200 and "returned to the owner" in returned.get_data(as_text=True)
    chain = api.get(f"/api/v1/cases/{cases.riga}/items/{cases.phone['id']}").json["chain"]
    assert [(e["action"], e["to_holder"]["code"]) for e in chain] == [
        ("registered", "POLICE:RIGA"), ("moved", "police_riga"), ("returned_to_owner", "Līga Kalniņa")]


def test_a_person_who_does_not_hold_the_item_gets_no_forms_and_a_403(api, cases, page_of):
    api.post(f"/api/v1/cases/{cases.riga}/items/{cases.phone['id']}/move", as_user="police_riga",
             json={"to": {"institution": "FORENSIC"}, "status": "sent_for_examination"})
    client = page_of("police_riga", "en")
    page = client.get(f"/cases/{cases.riga}/items")
    assert "Hand over" not in page.get_data(as_text=True)
    refused = client.post(f"/cases/{cases.riga}/items/{cases.phone['id']}/move",
                          data={"csrf_token": csrf_of(page), "to_kind": "unit", "to_code": "POLICE:RIGA"})
    assert refused.status_code == 403 and "you do not hold item 11816000777-L001" in refused.get_data(as_text=True)


@pytest.mark.parametrize(("language", "words"), [
    ("lv", ["Lietisko pierādījumu un izņemtās mantas saraksts lietā 11816000777", "Mobilais tālrunis",
            "Rīgas iecirkņa noliktava", "Līga Kalniņa", "izņemts"]),
    ("en", ["List of evidence and seized property in case 11816000777", "Mobile phone", "Līga Kalniņa", "seized"]),
])
def test_the_evidence_list_pdf_reads_back_with_latvian_letters(api, cases, page_of, language, words):
    api.post(f"/api/v1/cases/{cases.riga}/items", as_user="police_riga",
             json={"kind": "document", "description": "Pase ar ūdenszīmēm", "storage_place": "Seifs Nr. 2"})
    response = page_of("police_riga", language).get(f"/cases/{cases.riga}/items/evidence.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    for word in [*words, "11816000777-L001", "11816000777-L002", "Pase ar ūdenszīmēm"]:
        assert word in text, word
    assert "11816000888" not in text  # the other case's item is not on this case's list


def test_the_label_pdf_carries_the_identifier(cases, page_of):
    response = page_of("police_riga").get(f"/cases/{cases.riga}/items/{cases.phone['id']}/label.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "11816000777-L001" in text and "Mobilais tālrunis" in text and "Lieta 11816000777" in text
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1 and round(float(reader.pages[0].mediabox.width) / 72 * 25.4) == 100


def test_the_cli_lists_shows_the_chain_and_writes_the_pdf(app, cases, tmp_path):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["items", "list", cases.riga, "--user", "police_riga"])
    assert listed.exit_code == 0 and "11816000777-L001\tizņemts\tPOLICE:RIGA" in listed.output
    chain = runner.invoke(args=["items", "chain", cases.riga, "11816000777-L001", "--user", "police_riga",
                                "--lang", "en"])
    assert chain.exit_code == 0 and "1." in chain.output and "registered by police_riga" in chain.output
    out = tmp_path / "evidence.pdf"
    written = runner.invoke(args=["items", "evidence-pdf", cases.riga, str(out), "--user", "police_riga"])
    assert written.exit_code == 0, written.output
    assert "11816000777-L001" in pdf_text(out.read_bytes())


@pytest.mark.parametrize("args", [
    ["items", "list", "{riga}", "--user", "police_kurzeme"],  # not their case
    ["items", "list", "{riga}", "--user", "ghost"],
    ["items", "chain", "{riga}", "NO-SUCH", "--user", "police_riga"],
    ["items", "evidence-pdf", "{riga}", "/nonexistent-dir/x.pdf", "--user", "police_riga"],
])
def test_the_cli_refuses_with_a_sentence(app, cases, args):
    result = app.test_cli_runner().invoke(args=[a.format(riga=cases.riga) for a in args])
    assert result.exit_code != 0 and "error:" in result.output


def test_a_long_description_and_chain_break_across_pages(api, cases, page_of):
    words = " ".join(["ūdenszīme"] * 199)[:2000]
    item = api.post(f"/api/v1/cases/{cases.riga}/items", as_user="police_riga",
                    json={"kind": "document", "description": words, "storage_place": "Seifs"}).json
    for number in range(30):
        moved = api.post(f"/api/v1/cases/{cases.riga}/items/{item['id']}/move", as_user="police_riga",
                         json={"to": {"user": "police_riga"}, "note": f"{number} " + words[:1990]})
        assert moved.status_code == 200, moved.json
    response = page_of("police_riga").get(f"/cases/{cases.riga}/items/evidence.pdf")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.data)).pages) > 3 and "29 ūdenszīme" in pdf_text(response.data)


def test_an_item_is_registered_through_the_page(api, cases, page_of):
    client = page_of("police_riga", "en")
    page = client.get(f"/cases/{cases.riga}/items")
    token = csrf_of(page)
    refused = client.post(f"/cases/{cases.riga}/items", data={"csrf_token": token, "kind": "jewellery",
                                                             "description": "Zelta gredzens", "storage_place": ""})
    assert refused.status_code == 422 and "Zelta gredzens" in refused.get_data(as_text=True)  # the input is kept
    done = client.post(f"/cases/{cases.riga}/items", data={
        "csrf_token": token, "kind": "jewellery", "description": "Zelta gredzens", "storage_place": "Seifs 1",
        "status": "in_storage"}, follow_redirects=True)
    assert done.status_code == 200 and "The item was registered." in done.get_data(as_text=True)
    listed = api.get(f"/api/v1/cases/{cases.riga}/items", as_user="police_riga").json
    assert [(i["identifier"], i["kind"], i["status"]) for i in listed][-1] == ("11816000777-L002", "jewellery", "in_storage")
    assert "Register an item" not in page_of("outsider").get("/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["", "/evidence.pdf"])
def test_each_read_of_the_register_is_logged_once(app, cases, page_of, path):
    from engine.models import AuditEvent

    with app.app_context():
        before = app.extensions["lieta_engine"].session().query(AuditEvent).filter_by(
            instance_id=cases.riga, event="case_read").count()
    assert page_of("police_riga").get(f"/cases/{cases.riga}/items{path}").status_code == 200
    with app.app_context():
        rows = app.extensions["lieta_engine"].session().query(AuditEvent).filter_by(
            instance_id=cases.riga, event="case_read").order_by(AuditEvent.id).all()
    assert len(rows) == before + 1 and rows[-1].data["via"] == f"GET /cases/<string:instance_id>/items{path}"
