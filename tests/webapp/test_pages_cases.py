"""Task and case pages on the server: need-to-know (404), roles (403), the data a participant
sees, drafts, the start page."""

from __future__ import annotations

import pytest

from engine.models import AuditEvent
from tests.webapp.pages_support import csrf_of, sign_in


@pytest.fixture
def pages_client(app):
    def make(username: str):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        sign_in(client, username)
        return client

    return make


def test_a_case_the_person_takes_no_part_in_is_404_on_every_page(api, deployed, pages_client):
    instance_id = api.start("linear", as_user="clerk").json["id"]
    task_id = api.ready_tasks(instance_id, as_user="clerk")[0]["id"]
    outsider = pages_client("outsider")
    for path in (f"/cases/{instance_id}", f"/tasks/{task_id}", f"/cases/{instance_id}/diagram.bpmn"):
        response = outsider.get(path)
        assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)
    token = csrf_of(outsider.get("/"))
    for path in (f"/tasks/{task_id}", f"/tasks/{task_id}/claim"):
        assert outsider.post(path, data={"csrf_token": token, "action": "submit"}).status_code == 404


def test_starting_without_the_lanes_role_is_403(api, deployed, pages_client):
    outsider = pages_client("outsider")
    response = outsider.get("/start/linear")
    assert response.status_code == 403 and "You may not do this" in response.get_data(as_text=True)
    assert "linear" not in outsider.get("/start").get_data(as_text=True)
    assert "/start/linear" in pages_client("clerk").get("/start").get_data(as_text=True)


def test_a_task_held_by_someone_else_is_not_completed_by_another(api, deployed, pages_client):
    instance_id = api.start("linear", as_user="clerk").json["id"]
    task_id = api.ready_tasks(instance_id, as_user="clerk")[0]["id"]
    assert api.post(f"/api/v1/tasks/{task_id}/claim", as_user="clerk").status_code == 200
    other = pages_client("clerk2")
    page = other.get(f"/tasks/{task_id}")
    assert page.status_code == 200 and "Someone else holds this task" in page.get_data(as_text=True)
    response = other.post(f"/tasks/{task_id}", data={"csrf_token": csrf_of(page), "action": "submit"})
    assert response.status_code == 403
    assert api.ready_tasks(instance_id, as_user="clerk")[0]["id"] == task_id


def test_the_case_page_logs_the_read_and_shows_history(api, deployed, pages_client, app):
    instance_id = api.start("linear", as_user="clerk").json["id"]
    response = pages_client("clerk").get(f"/cases/{instance_id}")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "started the case" in text and 'data-current="task_1"' in text
    with app.app_context():
        reads = app.extensions["lieta_engine"].session().query(AuditEvent).filter_by(
            instance_id=instance_id, event="case_read").count()
    assert reads >= 1


def test_the_diagram_is_the_processs_own_bpmn(api, deployed, pages_client):
    instance_id = api.start("linear", as_user="clerk").json["id"]
    response = pages_client("clerk").get(f"/cases/{instance_id}/diagram.bpmn")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert 'id="linear"' in response.get_data(as_text=True)


def test_a_submit_and_next_task_in_the_same_case(api, deployed, pages_client):
    instance_id = api.start("linear", as_user="clerk").json["id"]
    first = api.ready_tasks(instance_id, as_user="clerk")[0]["id"]
    clerk = pages_client("clerk")
    page = clerk.get(f"/tasks/{first}")
    response = clerk.post(f"/tasks/{first}", data={"csrf_token": csrf_of(page), "action": "submit"})
    second = api.ready_tasks(instance_id, as_user="clerk")[0]["id"]
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{second}"


def test_starting_a_case_from_the_start_page_leads_to_its_first_task(api, deployed, pages_client):
    clerk = pages_client("clerk")
    form = clerk.get("/start/linear")
    assert form.status_code == 200
    response = clerk.post("/start/linear", data={"csrf_token": csrf_of(form), "business_key": "ST-1", "action": "submit"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/tasks/")
    cases = api.get("/api/v1/process-instances?business_key=ST-1", as_user="admin").json
    assert len(cases) == 1 and cases[0]["process_id"] == "linear"


def test_an_unknown_action_is_a_400_page_not_a_500(api, deployed, pages_client):
    instance_id = api.start("linear", as_user="clerk").json["id"]
    task_id = api.ready_tasks(instance_id, as_user="clerk")[0]["id"]
    clerk = pages_client("clerk")
    page = clerk.get(f"/tasks/{task_id}")
    response = clerk.post(f"/tasks/{task_id}", data={"csrf_token": csrf_of(page), "action": "remove:/nothing/x"})
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_a_draft_is_kept_unvalidated_and_dropped_when_the_task_is_submitted(api, deployed, pages_client, app):
    from webapp.pages.models import TaskDraft

    instance_id = api.start("linear", as_user="clerk").json["id"]
    task_id = api.ready_tasks(instance_id, as_user="clerk")[0]["id"]
    clerk = pages_client("clerk")
    token = csrf_of(clerk.get(f"/tasks/{task_id}"))
    saved = clerk.post(f"/tasks/{task_id}", data={"csrf_token": token, "action": "save_draft"})
    assert saved.status_code == 302 and saved.headers["Location"] == f"/tasks/{task_id}"
    assert "draft" in clerk.get(f"/tasks/{task_id}").get_data(as_text=True)
    with app.app_context():
        assert app.extensions["lieta_engine"].session().query(TaskDraft).filter_by(task_id=task_id).count() == 1
    clerk.post(f"/tasks/{task_id}", data={"csrf_token": token, "action": "submit"})
    with app.app_context():
        assert app.extensions["lieta_engine"].session().query(TaskDraft).filter_by(task_id=task_id).count() == 0
