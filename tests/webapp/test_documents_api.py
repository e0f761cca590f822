"""The documents API and `flask documents verify`: made on request by the roles a template names,
read by the case's people only, checked by hash and seal; a replaced hostile template is refused
with a sentence and stores nothing; production needs the seal's files."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re

import pytest
from sqlalchemy import func, select, update

from tests.support.bpmn_builder import linear_process
from webapp.settings import Settings, SettingsError

DATA = {"case_number": "11816000999", "reporter_name": "Ģirts Ķēniņš", "facts": "Zādzība no automašīnas."}


@pytest.fixture
def case(api):
    response = api.deploy({"linear.bpmn": linear_process(tasks=2)})
    assert response.status_code == 201, response.json
    started = api.start("linear", as_user="clerk", data=DATA, business_key="11816000999")
    assert started.status_code == 201, started.json
    return started.json["id"]


def make(api, case, template="start_decision", fmt="pdf", as_user="admin"):
    return api.post(f"/api/v1/process-instances/{case}/documents", as_user=as_user,
                    json={"template": template, "format": fmt})


def cli(api, *args):
    return api.app.test_cli_runner().invoke(args=list(args))


def count(api, table) -> int:
    with api.app.app_context():
        from webapp.extensions import db

        return db.session.scalar(select(func.count()).select_from(table))


def test_templates_are_listed_with_their_versions_and_issuers(api):
    response = api.get("/api/v1/document-templates", as_user="clerk")
    assert response.status_code == 200
    by_name = {t["name"]: t for t in response.json}
    assert sorted(by_name) == ["charge", "compensation_decision", "prosecution_proposal", "refusal_decision",
                               "start_decision"]
    assert by_name["compensation_decision"]["issuers"] == ["compensation_officer"]
    assert by_name["start_decision"]["formats"] == ["pdf", "docx"]


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"template": "nothing_here"}, 422, "/template"),
    ({"template": "start_decision", "format": "odt"}, 422, "/format"),
    ({"format": "pdf"}, 422, "/template"),
])
def test_a_bad_request_names_the_field(api, case, body, status, field):
    response = api.post(f"/api/v1/process-instances/{case}/documents", json=body)
    assert response.status_code == status, response.json
    assert field in json.dumps(response.json["errors"])


def test_who_may_make_read_and_download(api, case):
    assert make(api, case, as_user="clerk").status_code == 403  # takes part, but a clerk issues no start decision
    assert make(api, case, as_user="outsider").status_code == 404
    made = make(api, case)
    assert made.status_code == 201, made.json
    document = made.json
    assert (document["created_by"], document["template"], document["sealed"]) == ("admin", "start_decision", True)
    for path in (f"/api/v1/process-instances/{case}/documents", f"/api/v1/documents/{document['id']}",
                 f"/api/v1/documents/{document['id']}/content"):
        assert api.get(path, as_user="clerk").status_code == 200, path  # the starter reads the case
        assert api.get(path, as_user="outsider").status_code == 404, path
        assert api.get(path, as_user="prosecutor").status_code == 404, path
    assert api.get("/api/v1/documents/no-such-document").status_code == 404
    download = api.get(f"/api/v1/documents/{document['id']}/content", as_user="clerk")
    assert download.headers["Content-Disposition"] == 'attachment; filename="start_decision-11816000999.pdf"'
    audit = api.get(f"/api/v1/audit?kind=access&instance_id={case}&event=document_downloaded").json
    assert [(row["actor"], row["data"]["document_id"]) for row in audit] == [("clerk", document["id"])] * 2


def test_a_sealed_pdf_verifies_by_id_and_as_a_file(api, case, tmp_path):
    document = make(api, case).json
    by_id = cli(api, "documents", "verify", document["id"])
    assert by_id.exit_code == 0, by_id.output
    assert "the seal is valid" in by_id.output and "matches the store" in by_id.output
    path = tmp_path / "decision.pdf"
    path.write_bytes(api.get(f"/api/v1/documents/{document['id']}/content").data)
    as_file = cli(api, "documents", "verify", str(path))
    assert as_file.exit_code == 0, as_file.output
    assert "the document is intact" in as_file.output


def _flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


def test_any_byte_changed_in_a_file_is_detected(api, case, tmp_path):
    """The seal's own hex (whose zero padding the CMS parser ignores) included: the SHA-256 of
    the store catches what the seal alone would not."""
    document = make(api, case).json
    content = api.get(f"/api/v1/documents/{document['id']}/content").data
    start, first, second, _ = map(int, re.search(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]", content).groups())
    positions = [10, len(content) // 3, start + first + 5, second - 3, len(content) - 10]
    for at in positions:
        path = tmp_path / f"changed-{at}.pdf"
        path.write_bytes(_flip(content, at))
        result = cli(api, "documents", "verify", str(path))
        assert result.exit_code == 1, (at, result.output)
        assert "matches no document in the store" in result.output


def test_content_changed_in_the_store_is_detected(api, case):
    from webapp.documents.models import DocumentContent

    document = make(api, case, fmt="docx").json
    assert document["sealed"] is False
    assert cli(api, "documents", "verify", document["id"]).exit_code == 0
    with api.app.app_context():
        from webapp.extensions import db

        db.session.execute(update(DocumentContent).values(content=b"PK forged"))
        db.session.commit()
    result = cli(api, "documents", "verify", document["id"])
    assert result.exit_code == 1
    assert "it was changed in the store" in result.output


@pytest.mark.parametrize("target", ["no-such-document-or-file", "/nonexistent/file.pdf"])
def test_verifying_nothing_is_a_sentence(api, target):
    result = cli(api, "documents", "verify", target)
    assert result.exit_code == 1
    assert "neither a readable file nor the id of a stored document" in result.output


def test_documents_are_addressed_by_the_sha256_of_their_bytes(api, case):
    from webapp.documents.models import CaseDocument, DocumentContent

    made = [make(api, case, fmt=fmt).json for fmt in ("docx", "pdf", "docx")]
    for document in made:
        content = api.get(f"/api/v1/documents/{document['id']}/content").data
        assert hashlib.sha256(content).hexdigest() == document["sha256"]
    assert count(api, CaseDocument) == 3
    assert count(api, DocumentContent) == len({document["sha256"] for document in made})


HOSTILE = {
    "mro": "<p>{{ ''.__class__.__mro__ }}</p>",
    "file": '<img src="file:///etc/passwd">',
    "loop": "{% for i in 'x'*9999 %}{% for j in 'x'*9999 %}{{ j }}{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_replaced_hostile_template_is_refused_and_stores_nothing(api, case, tmp_path, kind):
    from engine.models import AuditEvent
    from webapp.documents.models import CaseDocument

    folder = tmp_path / "templates" / "start_decision"
    folder.mkdir(parents=True)
    (folder / "template.json").write_text(json.dumps({
        "name": "start_decision", "version": "9", "kind": "k", "title_lv": "Lēmums", "title_en": "Decision",
        "issuers": ["clerk"]}))
    (folder / "document.html").write_text(HOSTILE[kind])
    settings = api.app.config["LIETA_SETTINGS"]
    api.app.config["LIETA_SETTINGS"] = dataclasses.replace(settings, document_templates_dir=str(folder.parent))
    audit_rows = count(api, AuditEvent)
    response = make(api, case, as_user="clerk")
    assert response.status_code == 422, response.json
    assert "start_decision 9" in response.json["message"]
    assert count(api, CaseDocument) == 0
    assert count(api, AuditEvent) == audit_rows


def test_production_needs_the_seal_files(tmp_path):
    env = {"LIETA_ENV": "production", "DATABASE_URL": "sqlite:///x.db", "LIETA_SECRET_KEY": "s" * 20}
    with pytest.raises(SettingsError, match="LIETA_SEAL_CERT, LIETA_SEAL_KEY"):
        Settings.from_env(str(tmp_path), environ=env)
    cert, key = tmp_path / "seal.crt", tmp_path / "seal.key"
    with pytest.raises(SettingsError, match="LIETA_SEAL_CERT"):  # named, but no such file
        Settings.from_env(str(tmp_path), environ={**env, "LIETA_SEAL_CERT": str(cert), "LIETA_SEAL_KEY": str(key)})
    cert.write_text("x")
    key.write_text("x")
    settings = Settings.from_env(str(tmp_path), environ={**env, "LIETA_SEAL_CERT": str(cert), "LIETA_SEAL_KEY": str(key)})
    assert settings.seal_cert_file == str(cert)


@pytest.mark.parametrize(("language", "message"), [
    ("lv", "jūsu lomas neizdod dokumentu start_decision"), ("en", "your roles do not issue the document start_decision")])
def test_a_refusal_is_said_in_the_users_language(api, case, language, message):
    response = api.post(f"/api/v1/process-instances/{case}/documents?lang={language}", as_user="clerk",
                        json={"template": "start_decision"})
    assert response.status_code == 403
    assert response.json["message"] == message


def test_the_templates_command_checks_each_template(api, tmp_path):
    listed = cli(api, "documents", "templates")
    assert listed.exit_code == 0, listed.output
    assert "compensation_decision 1.0 (pdf, docx): Lēmums par valsts kompensācijas izmaksu cietušajam" in listed.output
    broken = tmp_path / "start_decision"
    broken.mkdir()
    (broken / "template.json").write_text('{"name": "start_decision"}')
    settings = api.app.config["LIETA_SETTINGS"]
    api.app.config["LIETA_SETTINGS"] = dataclasses.replace(settings, document_templates_dir=str(tmp_path))
    result = cli(api, "documents", "templates")
    assert result.exit_code == 1
    assert "start_decision: start_decision/template.json needs a text 'version'" in result.output
