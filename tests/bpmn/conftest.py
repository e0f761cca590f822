"""Fixtures for the bundled processes: the real `bpmn/` and `forms/` files, deployed through the API,
and users holding every role those processes' lanes need."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.webapp.conftest import ROLES, Api

REPO = Path(__file__).resolve().parents[2]

USERS = {
    **ROLES,
    "investigator": ["investigator"],
    "officer": ["legal_aid_officer"],
    "advocate_a": ["advocate"],
    "advocate_b": ["advocate"],
    "advocate_c": ["advocate"],
    "comp_officer": ["compensation_officer"],
    "chief": ["chief_prosecutor"],
    "court_clerk": ["court_clerk"],
    "court_chair": ["court_chair"],
    "judge": ["judge"],
    "probation": ["probation_officer"],
    "prison": ["prison_officer"],
}
# Users whose lanes are bound to a unit by the case (lane_units): (roles, institution, unit).
PLACED_USERS = {
    "elder_riga": (["elder_of_sworn_advocates"], "BAR", "BAR:RIGA"),
    "elder_kurzeme": (["elder_of_sworn_advocates"], "BAR", "BAR:KURZEME"),
    "clerk_riga": (["court_clerk"], "COURT", "COURT:RIGA"),
    "chair_riga": (["court_chair"], "COURT", "COURT:RIGA"),
    "judge_riga": (["judge"], "COURT", "COURT:RIGA"),
    "judge_riga_2": (["judge"], "COURT", "COURT:RIGA"),
    "judge_latgale": (["judge"], "COURT", "COURT:LATGALE"),
}


def bundle_files() -> dict[str, bytes]:
    """Every model and form `make run` deploys (`flask --app webapp processes deploy bpmn forms`)."""
    paths = (sorted((REPO / "bpmn").glob("*.bpmn")) + sorted((REPO / "bpmn").glob("*.dmn"))
             + sorted((REPO / "forms").glob("*.json")))
    return {path.name: path.read_bytes() for path in paths}


class Case:
    """One process instance driven through the HTTP API."""

    def __init__(self, api: Api, instance_id: str) -> None:
        self.api = api
        self.id = instance_id

    def ready(self, as_user: str = "admin") -> list[dict]:
        return self.api.ready_tasks(self.id, as_user=as_user)

    def ready_elements(self) -> list[str]:
        return sorted(task["element_id"] for task in self.ready())

    def task(self, element_id: str) -> dict:
        tasks = [task for task in self.ready() if task["element_id"] == element_id]
        assert len(tasks) == 1, f"expected {element_id} ready, found {self.ready_elements()} ({self.instance()})"
        return tasks[0]

    def complete(self, element_id: str, data: dict, as_user: str):
        return self.api.complete(self.task(element_id)["id"], data, as_user=as_user)

    def do(self, element_id: str, data: dict, as_user: str) -> None:
        response = self.complete(element_id, data, as_user)
        assert response.status_code == 200, response.json
        assert response.json["state"] == "completed"

    def refusal_status(self, user: str) -> int:
        """A task someone may not do: 403 when they take part in the case, else 404 (need-to-know)."""
        seen = self.api.get(f"/api/v1/process-instances/{self.id}", as_user=user).status_code
        assert seen in (200, 404)
        return 403 if seen == 200 else 404

    def instance(self) -> dict:
        response = self.api.get(f"/api/v1/process-instances/{self.id}")
        assert response.status_code == 200, response.json
        return response.json

    @property
    def data(self) -> dict:
        return self.instance()["data"]


@pytest.fixture
def api(app, client):
    api = Api(app, client)
    api.create_users(USERS)
    with app.app_context():
        for username, (roles, institution, unit) in PLACED_USERS.items():
            api.engine().users.create(username, "secret-" + username, roles, institution=institution, unit=unit)
    return api


def load_catalogue(api: Api) -> None:
    """`make run` loads `bpmn/messages.json` before deploying: a model is refused if it throws or
    catches a message the catalogue does not declare for its process."""
    for name, entry in json.loads((REPO / "bpmn" / "messages.json").read_text(encoding="utf-8")).items():
        api.declare_message(name, entry["senders"], entry["receivers"], entry["payload_schema"])


load_message_catalogue = load_catalogue


@pytest.fixture
def bundle(api):
    load_catalogue(api)
    response = api.deploy(bundle_files())
    assert response.status_code == 201, response.json
    assert response.json["warnings"] == []
    return response.json


@pytest.fixture
def start(api, bundle):
    def start_case(process_id: str, as_user: str, business_key: str = "CASE-1", data: dict | None = None) -> Case:
        response = api.start(process_id, as_user=as_user, business_key=business_key,
                             **({"data": data} if data is not None else {}))
        assert response.status_code == 201, response.json
        assert response.json["status"] == "running"
        return Case(api, response.json["id"])

    return start_case


def stand_in_investigation(recognised: bool = True, recognised_on: str = "2026-03-02") -> str:
    """The investigation's side of the victim's statement (the real `investigation` process is built
    elsewhere): answers each `victim_statement_request` at once with a statement of the contract's
    shape, through the real message routing."""
    from tests.support.bpmn_builder import ProcessBuilder

    p = ProcessBuilder("investigation")
    correlation = {"case_number": "case_number", "request_id": "request_id"}
    p.message("m_request", "victim_statement_request")  # it starts the case: nothing to correlate
    p.message("m_statement", "victim_statement", correlation)
    p.message_start("start", "m_request", variable="statement_request")
    p.script_task("take", "case_number = statement_request['case_number']\nrequest_id = statement_request['request_id']")
    p.message_throw("answer", "m_statement", payload=(
        f"{{'case_number': case_number, 'request_id': request_id, 'recognised_victim': {recognised!r}, "
        f"'recognised_on': {recognised_on!r}, 'crime_article': '125', 'statement': 'Atzīts par cietušo.', "
        f"'prosecutor': 'prosecutor'}}"
    ))
    p.end()
    p.chain("start", "take", "answer", "end")
    return p.xml()


@pytest.fixture
def investigation(api, bundle):
    """Deploys the stand-in investigation; call it again with other answers to replace it."""
    def deploy(**answer) -> None:
        response = api.deploy({"investigation.bpmn": stand_in_investigation(**answer)})
        assert response.status_code == 201, response.json

    deploy()
    return deploy
