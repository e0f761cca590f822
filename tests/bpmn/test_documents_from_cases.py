"""Each decision template rendered from a real case of the bundled processes (investigation,
state_compensation_claim), opened back (DOCX parsed with python-docx, PDF text extracted with
pypdf) and checked for the case's values and the Latvian letters; the compensation decision made
by the process's own service task, sealed, listed and downloadable by the case's people only."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pypdf import PdfReader

from tests.bpmn.conftest import stand_in_investigation
from tests.bpmn.investigation_case import (
    ACTION,
    CHARGE,
    HAND_OVER,
    REFUSE,
    REPORT,
    START,
    opened,
    start_case,
    supervised,
)
from tests.bpmn.test_state_compensation_claim import APPLICATION, APPROVE, PROCESS, register

NAME = "Ģirts Ķēniņš Žāļčūšīte"  # every Latvian letter: ā č ē ģ ī ķ ļ ņ š ū ž
LETTERS = "āčēģīķļņšūž"
REPORT_LV = {**REPORT, "reporter_name": NAME}
HAND_OVER_LV = {**HAND_OVER, "accused": [{"name": NAME, "personal_code": "010190-12345"}]}


def text_of(fmt: str, content: bytes) -> str:
    if fmt == "pdf":
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    else:
        document = Document(io.BytesIO(content))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
    return " ".join(text.split())  # a line break where the page wrapped is a space


def made(api, instance_id: str, template: str, fmt: str, as_user: str) -> tuple[dict, str]:
    response = api.post(f"/api/v1/process-instances/{instance_id}/documents", as_user=as_user,
                        json={"template": template, "format": fmt})
    assert response.status_code == 201, response.json
    document = response.json
    download = api.get(f"/api/v1/documents/{document['id']}/content", as_user=as_user)
    assert download.status_code == 200
    assert download.mimetype == document["media_type"]
    return document, text_of(fmt, download.data)


def check(text: str, *values: str) -> None:
    for value in values:
        assert value in text, (value, text)
    assert set(LETTERS) <= set(text.lower()), text


@pytest.fixture
def investigation(api, bundle):
    return api


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_start_decision(investigation, fmt):
    case = start_case(investigation, REPORT_LV)
    case.do("decide_start", START, as_user="investigator")
    document, text = made(investigation, case.id, "start_decision", fmt, "investigator")
    assert (document["template"], document["template_version"], document["sealed"]) == (
        "start_decision", "1.0", fmt == "pdf")
    check(text, "LĒMUMS", "par kriminālprocesa uzsākšanu", "Kriminālprocess Nr. 11816000123", NAME,
          "2027. gada 4. janvārī", START["facts"], START["start_grounds"], START["body_in_charge"], "KL 175",
          "Kriminālprocesa likuma 369.–372. pantu", "nav noskaidrota")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_refusal_names_the_complaint_window_and_whom_it_goes_to(investigation, fmt):
    case = start_case(investigation, REPORT_LV)
    case.do("decide_start", REFUSE, as_user="investigator")
    _document, text = made(investigation, case.id, "refusal_decision", fmt, "investigator")
    check(text, "par atteikšanos uzsākt kriminālprocesu", NAME, REFUSE["refusal_reason"], REPORT["report_text"],
          "Kriminālprocesa likuma 373. pantu", "10 dienu laikā no tā saņemšanas dienas",
          "līdz 2027. gada 14. janvārī", "sūdzību uzraugošajam prokuroram")


@pytest.fixture
def handed_over(investigation):
    case = supervised(opened(investigation))
    case.do("record_action", ACTION, as_user="investigator")
    case.do("record_action", {"next_step": "hand_over"}, as_user="investigator")
    case.do("hand_over", HAND_OVER_LV, as_user="investigator")
    return case


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_decision_proposing_prosecution(investigation, handed_over, fmt):
    _document, text = made(investigation, handed_over.id, "prosecution_proposal", fmt, "investigator")
    check(text, "kriminālvajāšanas uzsākšanai", NAME, "010190-12345", HAND_OVER["facts"], "KL 175(2)", "L. Kalniņa",
          "150,00 EUR", "2027. gada 20. janvārī", "Laptop bag", "Riga police store, shelf 4",
          "Kriminālprocesa likuma 401. pantu")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_charge(investigation, handed_over, fmt):
    handed_over.do("prosecutor_decision", CHARGE, as_user="prosecutor")
    _document, text = made(investigation, handed_over.id, "charge", fmt, "prosecutor")
    check(text, "par saukšanu pie kriminālatbildības", NAME, "010190-12345", "Theft from a vehicle.",
          CHARGE["decision_reason"], "PROSECUTION:RIGA", "Kriminālprocesa likuma 405. un 406. pantu")


def test_a_role_that_does_not_issue_the_template_is_refused(investigation, handed_over):
    handed_over.do("prosecutor_decision", CHARGE, as_user="prosecutor")
    response = investigation.post(f"/api/v1/process-instances/{handed_over.id}/documents", as_user="investigator",
                                  json={"template": "charge", "format": "pdf"})
    assert response.status_code == 403
    assert "charge" in response.json["message"]
    outsider = investigation.post(f"/api/v1/process-instances/{handed_over.id}/documents", as_user="judge",
                                  json={"template": "charge", "format": "pdf"})
    assert outsider.status_code == 404  # a case they take no part in does not exist for them
    assert investigation.get(f"/api/v1/process-instances/{handed_over.id}/documents").json == []


# --- the compensation decision, made by the process itself -------------------------------------


@pytest.fixture
def granted(start, investigation_process):
    case = start(PROCESS, as_user="clerk", data={**APPLICATION, "applicant_name": NAME})
    register(case, applicant_name=NAME)
    case.do("decide_claim", APPROVE, as_user="comp_officer")
    assert case.ready_elements() == ["notify_award", "pay_compensation"]
    return case


@pytest.fixture
def investigation_process(api, bundle):
    """The claim asks the investigation for the prosecutor's statement: the stand-in answers it."""
    response = api.deploy({"investigation.bpmn": stand_in_investigation()})
    assert response.status_code == 201, response.json


def test_the_compensation_decision_is_issued_sealed_by_the_process(api, granted):
    data = granted.data
    made_now = data["award_decision"]["documents"]
    assert [d["format"] for d in made_now] == ["pdf", "docx"]
    listed = api.get(f"/api/v1/process-instances/{granted.id}/documents", as_user="comp_officer")
    assert listed.status_code == 200
    # Made in one change, at one moment: the list is ordered by time, then id.
    assert [(d["id"], d["sha256"], d["sealed"], d["created_by"]) for d in listed.json] == sorted(
        (d["document_id"], d["sha256"], d["format"] == "pdf", "system") for d in made_now)
    for document in listed.json:
        content = api.get(f"/api/v1/documents/{document['id']}/content", as_user="clerk")
        assert content.status_code == 200
        assert content.headers["X-Content-SHA256"] == document["sha256"]
        check(text_of(document["format"], content.data), "par valsts kompensācijas izmaksu", NAME, "TA-K/2027/3",
              "11816005678", "3510,00 EUR", "10000,00 EUR", "smags miesas bojājums", "2027. gada 5. janvārī",
              "Cietušo valsts kompensācijas likumu", "Administratīvajā rajona tiesā")
    history = api.get(f"/api/v1/process-instances/{granted.id}/history").json
    issued = [entry["data"] for entry in history if entry["event"] == "document_generated"]
    assert [(e["template"], e["format"], e["sha256"]) for e in issued] == [
        ("compensation_decision", d["format"], d["sha256"]) for d in made_now]


@pytest.mark.parametrize("outsider", ["judge", "advocate_a", "investigator"])
def test_only_the_cases_people_reach_its_documents(api, granted, outsider):
    [pdf, _docx] = granted.data["award_decision"]["documents"]
    for path in (f"/api/v1/process-instances/{granted.id}/documents", f"/api/v1/documents/{pdf['document_id']}",
                 f"/api/v1/documents/{pdf['document_id']}/content"):
        assert api.get(path, as_user=outsider).status_code == 404, path
        assert api.get(path, as_user="clerk").status_code == 200, path
