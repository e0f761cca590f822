"""`POST /api/v1/deployments?dry_run=1`: the whole deployment check, nothing stored; the
modeler page validates with it."""

from __future__ import annotations

import io

import pytest

from tests.support.bpmn_builder import linear_process
from tests.webapp.test_deployments import with_form, with_script


def dry_run(api, files, as_user="analyst", flag="1"):
    data = {"files": [(io.BytesIO(c.encode()), name) for name, c in files.items()]}
    return api.post(f"/api/v1/deployments?dry_run={flag}", as_user=as_user, data=data, content_type="multipart/form-data")


def stored(api):
    with api.app.app_context():
        from engine.models import AuditEvent, Deployment, ProcessDefinition
        from webapp.extensions import db

        return (
            db.session.query(Deployment).count(),
            db.session.query(ProcessDefinition).count(),
            db.session.query(AuditEvent).filter_by(event="deployment").count(),
        )


@pytest.mark.parametrize("flag", ["1", "true"])
def test_a_clean_bundle_answers_200_with_processes_and_warnings_and_stores_nothing(api, flag):
    response = dry_run(api, {"free.bpmn": linear_process("free", tasks=2, lane=None)}, flag=flag)
    assert response.status_code == 200, response.json
    assert set(response.json) == {"processes", "warnings"}
    assert response.json["processes"] == [{"process_id": "free", "version": 1, "new": True}]
    assert {w["element"] for w in response.json["warnings"]} == {"task_1", "task_2"}
    assert stored(api) == (0, 0, 0)


def test_the_version_a_deployment_would_give_is_reported(api):
    assert api.deploy({"linear.bpmn": linear_process(tasks=2)}).status_code == 201
    same = dry_run(api, {"linear.bpmn": linear_process(tasks=2)})
    assert same.json["processes"] == [{"process_id": "linear", "version": 1, "new": False}]
    changed = dry_run(api, {"linear.bpmn": linear_process(tasks=3)})
    assert changed.json["processes"] == [{"process_id": "linear", "version": 2, "new": True}]
    assert stored(api) == (1, 1, 1)


@pytest.mark.parametrize(
    ("files", "element", "expected"),
    [
        ({"s.bpmn": with_script("x = ().__class__.__base__.__subclasses__()")}, "compute", "_"),
        ({"magic.bpmn": linear_process("magic", tasks=1, lane="Wizard")}, None, "unknown role"),
        ({"formed.bpmn": with_form()}, None, "is not in the upload"),
    ],
    ids=["sandbox", "lane-role", "form-missing"],
)
def test_problems_answer_422_naming_their_element_and_store_nothing(api, files, element, expected):
    response = dry_run(api, files)
    assert response.status_code == 422, response.json
    assert set(response.json) == {"message", "errors"}
    errors = response.json["errors"]
    assert any(expected in e["message"] for e in errors), errors
    if element is not None:
        assert errors[0]["element"] == element
    assert stored(api) == (0, 0, 0)


@pytest.mark.parametrize("user", ["clerk", "prosecutor"])
def test_a_dry_run_needs_the_analyst_or_admin_role(api, user):
    response = dry_run(api, {"linear.bpmn": linear_process()}, as_user=user)
    assert response.status_code == 403


def test_a_dry_run_without_files_is_a_clear_422(api):
    response = api.post("/api/v1/deployments?dry_run=1", as_user="analyst", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "files" in response.json["message"]


def test_a_dry_run_flag_that_is_no_boolean_is_a_422(api):
    response = dry_run(api, {"linear.bpmn": linear_process()}, flag="perhaps")
    assert response.status_code == 422
    assert stored(api) == (0, 0, 0)
