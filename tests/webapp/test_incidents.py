from datetime import timedelta

import pytest

from tests.support.bpmn_builder import ProcessBuilder


def registry_process(operation="lookup_person"):
    p = ProcessBuilder("checks_registry")
    p.start()
    p.service_task("lookup", operation, {"personal_code": "personal_code"}, result="person")
    p.user_task("review", "Review the person", lane="Clerk")
    p.end()
    p.chain("start", "lookup", "review", "end")
    return p.xml()


class Registry:
    """A stand-in population registry whose outage the test switches on and off."""

    def __init__(self):
        self.down = True
        self.calls = []

    def __call__(self, params, data):
        self.calls.append(params)
        if self.down:
            raise ConnectionError("population registry unreachable: connection refused (10.0.0.5:443)")
        return {"code": params["personal_code"], "name": "Jānis Bērziņš"}


@pytest.fixture
def registry(api):
    handler = Registry()
    api.engine().operations.register("lookup_person", handler, max_attempts=3, backoff=timedelta(seconds=30))
    assert api.deploy({"r.bpmn": registry_process()}).status_code == 201
    return handler


def instance(api, instance_id):
    return api.get(f"/api/v1/process-instances/{instance_id}").json


def history(api, instance_id):
    return [h["event"] for h in api.get(f"/api/v1/process-instances/{instance_id}/history").json]


def retry_due(api):
    with api.app.app_context():
        return api.engine().incidents.retry_due()


def test_a_failing_handler_opens_an_incident_with_the_real_error(api, registry):
    instance_id = api.start("checks_registry", data={"personal_code": "010101-12345"}).json["id"]
    body = instance(api, instance_id)
    assert body["status"] == "error"
    [incident] = body["incidents"]
    assert "population registry unreachable: connection refused" in incident["message"]
    assert "ConnectionError" in incident["message"]
    assert "NameError" not in incident["message"]
    assert registry.calls == [{"personal_code": "010101-12345"}]
    assert "incident_opened" in history(api, instance_id)


def test_retries_back_off_then_wait_for_an_admin(api, registry, clock):
    instance_id = api.start("checks_registry", data={"personal_code": "1"}).json["id"]
    [listed] = api.get("/api/v1/incidents").json
    assert listed["attempts"] == 1 and listed["max_attempts"] == 3
    assert listed["next_retry_at"] == (clock.now() + timedelta(seconds=30)).isoformat()
    clock.advance(timedelta(seconds=29))
    assert retry_due(api) == 0
    clock.advance(timedelta(seconds=1))
    assert retry_due(api) == 1
    [listed] = api.get("/api/v1/incidents").json
    assert listed["attempts"] == 2
    assert listed["next_retry_at"] == (clock.now() + timedelta(seconds=60)).isoformat()
    clock.advance(timedelta(seconds=60))
    assert retry_due(api) == 1
    [listed] = api.get("/api/v1/incidents").json
    assert listed["attempts"] == 3 and listed["next_retry_at"] is None
    clock.advance(timedelta(days=1))
    assert retry_due(api) == 0
    assert len(registry.calls) == 3
    assert instance(api, instance_id)["status"] == "error"
    assert history(api, instance_id).count("incident_retried") == 2


def test_an_admin_retry_after_the_fix_completes_the_work(api, registry):
    instance_id = api.start("checks_registry", data={"personal_code": "2"}).json["id"]
    [incident] = instance(api, instance_id)["incidents"]
    registry.down = False
    response = api.post(f"/api/v1/incidents/{incident['id']}/retry")
    assert response.status_code == 200
    assert response.json["status"] == "resolved" and response.json["resolution"] == "retried"
    body = instance(api, instance_id)
    assert body["status"] == "running" and body["incidents"] == []
    assert body["data"]["person"] == {"code": "2", "name": "Jānis Bērziņš"}
    api.complete(body["ready_tasks"][0]["id"])
    assert instance(api, instance_id)["status"] == "completed"
    assert api.post(f"/api/v1/incidents/{incident['id']}/retry").status_code == 409
    events = history(api, instance_id)
    assert events.index("incident_opened") < events.index("incident_retried") < events.index("task_completed")


def test_a_retry_that_fails_again_keeps_the_incident_open(api, registry):
    instance_id = api.start("checks_registry", data={"personal_code": "3"}).json["id"]
    [incident] = instance(api, instance_id)["incidents"]
    response = api.post(f"/api/v1/incidents/{incident['id']}/retry")
    assert response.status_code == 200
    assert response.json["status"] == "open" and response.json["attempts"] == 2
    assert response.json["next_retry_at"] is None
    assert instance(api, instance_id)["status"] == "error"


def test_skip_moves_on_without_running_the_task(api, registry):
    instance_id = api.start("checks_registry", data={"personal_code": "4"}).json["id"]
    [incident] = instance(api, instance_id)["incidents"]
    response = api.post(f"/api/v1/incidents/{incident['id']}/skip")
    assert response.status_code == 200 and response.json["resolution"] == "skipped"
    body = instance(api, instance_id)
    assert body["status"] == "running"
    assert [t["element_id"] for t in body["ready_tasks"]] == ["review"]
    assert "person" not in body["data"]
    assert "incident_skipped" in history(api, instance_id)
    assert len(registry.calls) == 1


@pytest.mark.parametrize("action", ["retry", "skip"])
def test_only_an_admin_manages_incidents(api, registry, action):
    instance_id = api.start("checks_registry", data={"personal_code": "5"}).json["id"]
    [incident] = instance(api, instance_id)["incidents"]
    assert api.post(f"/api/v1/incidents/{incident['id']}/{action}", as_user="clerk").status_code == 403
    assert api.get("/api/v1/incidents", as_user="clerk").status_code == 403
    assert api.post(f"/api/v1/incidents/nope/{action}").status_code == 404


def test_an_unknown_operation_is_an_incident_naming_it(api):
    assert api.deploy({"u.bpmn": registry_process("no_such_operation")}).status_code == 201
    instance_id = api.start("checks_registry", data={"personal_code": "6"}).json["id"]
    [incident] = instance(api, instance_id)["incidents"]
    assert "no service operation named 'no_such_operation'" in incident["message"]


def test_a_sandbox_violation_at_run_time_becomes_an_incident(api):
    p = ProcessBuilder("hungry")
    p.start()
    p.script_task("grow", "blob = 'x' * (size * 1000000)")
    p.user_task("after", lane="Clerk")
    p.end()
    p.chain("start", "grow", "after", "end")
    assert api.deploy({"h.bpmn": p.xml()}).status_code == 201
    instance_id = api.start("hungry", data={"size": 100000}).json["id"]
    body = instance(api, instance_id)
    assert body["status"] == "error"
    [incident] = body["incidents"]
    assert "memory" in incident["message"].lower()
    assert "grow" in incident["message"]
    assert api.get("/healthz").status_code == 200


def test_cli_lists_and_retries_incidents(api, registry):
    api.start("checks_registry", data={"personal_code": "7"})
    runner = api.app.test_cli_runner()
    listed = runner.invoke(args=["incidents", "list"])
    assert listed.exit_code == 0 and "population registry unreachable" in listed.output
    incident_id = listed.output.split()[0]
    registry.down = False
    retried = runner.invoke(args=["incidents", "retry", incident_id])
    assert retried.exit_code == 0 and "resolved" in retried.output
    again = runner.invoke(args=["incidents", "retry", incident_id])
    assert again.exit_code == 2 and "already resolved" in again.output


def test_a_handler_knows_which_instance_and_task_called_it(api):
    from engine.service_registry import current_call

    seen = []
    api.engine().operations.register("lookup_person", lambda params, data: seen.append(current_call.get()) or {})
    assert api.deploy({"r.bpmn": registry_process()}).status_code == 201
    instance_id = api.start("checks_registry", data={"personal_code": "8"}).json["id"]
    [call] = seen
    assert call.instance_id == instance_id and call.element_id == "lookup" and call.operation == "lookup_person"
    assert current_call.get() is None
