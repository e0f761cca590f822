"""Hostile API input ends as a 4xx with the error body, in the promised order, never a 500:
401 (no or bad token) → 415 (wrong content type) → 400 (not standard JSON) → 404 → 403 → 422."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.support.bpmn_builder import linear_process

TOO_BIG = 2**63
DEEP_600 = "[" * 600 + "]" * 600


def error_body(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    body = json.loads(response.get_data(as_text=True))
    assert set(body) == {"message", "errors"} and isinstance(body["message"], str) and body["message"]
    return body


def raw_post(client, path: str, text: str | bytes, token: str | None = None, method: str = "post",
             content_type: str = "application/json"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    return getattr(client, method)(path, data=data, headers=headers, content_type=content_type)


NOT_STANDARD_JSON = {
    "NaN": '{"process_id": "linear", "data": {"claimed_amount": NaN}}',
    "Infinity": '{"process_id": "linear", "data": {"x": Infinity}}',
    "-Infinity": '{"process_id": "linear", "data": {"x": -Infinity}}',
    "1e400": '{"process_id": "linear", "data": {"x": 1e400}}',
    "a 24,000-digit integer": '{"process_id": "linear", "data": {"x": ' + "9" * 24000 + "}}",
    "a 301-digit integer": '{"process_id": "linear", "data": {"x": ' + "1" * 301 + "}}",
    "nested 65 deep": '{"process_id": "linear", "data": ' + '{"a": ' * 64 + "1" + "}" * 64 + "}",
    "nested 600 deep": '{"process_id": "linear", "data": ' + DEEP_600 + "}",
    "nested 100,000 deep": "[" * 100000 + "]" * 100000,
    "an unpaired surrogate in the business key": '{"process_id": "linear", "business_key": "\\ud800"}',
    "an unpaired surrogate in a key": '{"process_id": "linear", "data": {"\\udfff": 1}}',
    "larger than LIETA_API_MAX_JSON_KB": '{"process_id": "linear", "data": {"x": "' + "a" * (1024 * 1024) + '"}}',
    "not UTF-8": b'{"process_id": "linear", "business_key": "\xff"}',
    "not JSON at all": '{"process_id": ',
    "an empty body": "",
}


@pytest.mark.parametrize("text", NOT_STANDARD_JSON.values(), ids=NOT_STANDARD_JSON.keys())
def test_a_body_that_is_not_standard_bounded_json_is_400(api, deployed, text):
    body = error_body(raw_post(api.client, "/api/v1/process-instances", text, api.token("admin")), 400)
    assert body["errors"] is None


def test_the_deepest_json_taken_is_64_levels(api, deployed):
    text = '{"process_id": "linear", "data": ' + '{"a": ' * 63 + "1" + "}" * 63 + "}"
    response = raw_post(api.client, "/api/v1/process-instances", text, api.token("admin"))
    assert response.status_code == 201, response.json


@pytest.mark.parametrize("text", [
    '{"username": "\\ud800", "password": "x"}',
    '{"username": "admin", "password": NaN}',
    '{"username": ' + DEEP_600 + ', "password": "x"}',
    '{"username": "admin", "password": ' + "7" * 5000 + "}",
], ids=["surrogate username", "NaN", "600 deep", "5000 digits"])
def test_hostile_json_is_refused_before_sign_in(client, api, text):
    error_body(raw_post(client, "/api/v1/auth/token", text), 400)


def test_a_hostile_body_logs_one_line_and_no_traceback(api, deployed, caplog, monkeypatch):
    # Alembic's logging.fileConfig, run in-process for the template database, disables loggers
    # that already exist; a server never migrates in its own process.
    monkeypatch.setattr(logging.getLogger("webapp.api.gate"), "disabled", False)
    with caplog.at_level(logging.DEBUG):
        response = raw_post(api.client, "/api/v1/process-instances",
                            '{"process_id": "linear", "data": ' + DEEP_600 + "}", api.token("admin"))
    error_body(response, 400)
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and "\n" not in refusals[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)
    assert sum(len(r.getMessage()) for r in caplog.records) < 2000


@pytest.mark.parametrize("path", [
    f"/api/v1/advocates/{TOO_BIG}",
    f"/api/v1/advocates/{TOO_BIG}/assignments",
    f"/api/v1/prosecutors/{TOO_BIG}",
    f"/api/v1/rosters/{TOO_BIG}",
    "/api/v1/rosters/" + "9" * 24000,
])
def test_an_id_beyond_a_database_integer_in_a_path_is_404(api, path):
    error_body(api.get(path), 404)


@pytest.mark.parametrize("method, path, body", [
    ("patch", f"/api/v1/advocates/{TOO_BIG}", {"active": False}),
    ("post", f"/api/v1/advocates/1/leaves/{TOO_BIG}", None),
    ("delete", f"/api/v1/prosecutors/1/leaves/{TOO_BIG}", None),
    ("post", f"/api/v1/rosters/{TOO_BIG}/approve", None),
])
def test_an_oversized_path_id_is_404_for_every_method(api, method, path, body):
    response = getattr(api.client, method)(path, headers=api.headers("admin"), json=body)
    assert response.status_code in (404, 405), response.json
    error_body(response, response.status_code)


@pytest.mark.parametrize("path, field", [
    (f"/api/v1/tasks?offset={TOO_BIG}", "/offset"),
    ("/api/v1/tasks?offset=-1", "/offset"),
    ("/api/v1/tasks?limit=" + "9" * 400, "/limit"),
    (f"/api/v1/duty-slots?prosecutor={TOO_BIG}", "/prosecutor"),
    ("/api/v1/duty-slots?prosecutor=99999999999999999999", "/prosecutor"),
    (f"/api/v1/messages?limit={TOO_BIG}", "/limit"),
    ("/api/v1/rosters?month=9999-12", "/month"),
    ("/api/v1/rosters?month=2027-13", "/month"),
])
def test_an_out_of_range_integer_in_a_query_is_422_naming_it(api, path, field):
    body = error_body(api.get(path), 422)
    assert field in {e["field"] for e in body["errors"]}


@pytest.mark.parametrize("version", [TOO_BIG, 1.5, "1", 0, -1])
def test_version_must_be_a_whole_number_in_range(api, deployed, version):
    body = error_body(api.start("linear", version=version), 422)
    assert "/version" in {e["field"] for e in body["errors"]}


@pytest.mark.parametrize("changes, field", [
    ({"days": 1_000_000}, "/days"),
    ({"days": 0}, "/days"),
    ({"slot_minutes": 1}, "/slot_minutes"),
    ({"rooms": [{"id": f"r{i}"} for i in range(51)]}, "/rooms"),
    ({"hearings": [{"id": f"h{i}"} for i in range(201)]}, "/hearings"),
    ({"schedule": [{}] * 501}, "/schedule"),
    ({"count": TOO_BIG}, "/count"),
])
def test_a_hearing_request_beyond_the_bounds_is_422_naming_the_field(api, changes, field):
    api.create_users({"courtclerk": ["court_clerk"]})
    problem = {
        "start": "2027-03-01", "days": 5, "rooms": [{"id": "A"}],
        "participants": [{"id": "judge", "role": "judge"}],
        "hearings": [{"id": "h1", "duration_minutes": 60, "participants": ["judge"]}],
    }
    response = api.post("/api/v1/hearing-proposals", as_user="courtclerk", json={**problem, **changes})
    body = error_body(response, 422)
    assert field in {e["field"] for e in body["errors"]}


def test_a_hearing_search_that_cannot_finish_in_time_is_422_on_time_limit(api):
    api.create_users({"courtclerk": ["court_clerk"]})
    people = [{"id": f"p{i}", "role": "judge" if i == 0 else "witness"} for i in range(200)]
    problem = {
        "start": "2027-01-04", "days": 366, "slot_minutes": 5, "working_hours": {"start": "00:00", "end": "23:55"},
        "rooms": [{"id": f"r{i}"} for i in range(50)], "participants": people,
        "hearings": [{"id": "h1", "duration_minutes": 5, "participants": [p["id"] for p in people]}],
        "time_limit": 0.2,
    }
    started = time.monotonic()
    body = error_body(api.post("/api/v1/hearing-proposals", as_user="courtclerk", json=problem), 422)
    assert time.monotonic() - started < 5  # the whole search takes over 30 s on this machine
    assert body["errors"] == [{"field": "/time_limit", "message": body["errors"][0]["message"]}]


def test_a_roster_request_runs_the_solver_no_longer_than_the_setting(api, app):
    settings = app.config["LIETA_SETTINGS"]
    assert settings.solver_max_seconds == 60.0
    body = error_body(api.post("/api/v1/rosters", json={"month": "2027-03", "time_limit": 61}), 422)
    assert "/time_limit" in {e["field"] for e in body["errors"]}


# --- the order of the checks -----------------------------------------------------------------


def test_no_token_and_a_bad_body_is_401_not_422(client, api, deployed):
    body = error_body(client.post("/api/v1/process-instances", json={"version": "x"}), 401)
    assert body["errors"] is None


def test_a_bad_token_and_broken_json_is_401(client, api, deployed):
    error_body(raw_post(client, "/api/v1/process-instances", "{", token="not-a-token"), 401)


def test_a_text_plain_body_is_415_after_the_token_check(client, api, deployed):
    text = '{"process_id": "linear"}'
    error_body(raw_post(client, "/api/v1/process-instances", text, content_type="text/plain"), 401)
    error_body(raw_post(client, "/api/v1/process-instances", text, api.token("admin"), content_type="text/plain"), 415)


def test_a_json_body_to_the_deployment_upload_is_415(api):
    error_body(raw_post(api.client, "/api/v1/deployments", "{}", api.token("analyst")), 415)


def test_broken_json_with_a_token_is_400_before_any_lookup(api):
    error_body(raw_post(api.client, "/api/v1/tasks/no-such-task/complete", '{"data": ', api.token("admin")), 400)


def test_a_task_that_does_not_exist_is_404_before_the_body_is_judged_by_the_engine(api, deployed):
    error_body(api.complete("no-such-task", {"anything": 1}), 404)


@pytest.mark.parametrize("method, path, body", [
    ("post", "/api/v1/tasks/no-such-task/complete", {"data": "not an object"}),
    ("post", "/api/v1/tasks/no-such-task/assign", {}),
    ("post", "/api/v1/process-instances/no-such-case/terminate", {"reason": ""}),
    ("patch", "/api/v1/advocates/424242", {"daily_capacity": -5}),
    ("post", "/api/v1/prosecutors/424242/leaves", {"start_date": "never"}),
])
def test_a_missing_object_is_404_even_when_the_body_is_invalid(api, method, path, body):
    error_body(getattr(api.client, method)(path, headers=api.headers("admin"), json=body), 404)


def test_a_task_the_caller_may_not_see_is_refused_before_its_body_is_judged(api, deployed):
    instance_id = api.start("linear").json["id"]
    task_id = api.ready_tasks(instance_id)[0]["id"]
    response = api.post(f"/api/v1/tasks/{task_id}/complete", as_user="outsider", json={"data": "not an object"})
    error_body(response, 404)  # the outsider takes no part in the case: it does not exist for them
    error_body(api.post(f"/api/v1/tasks/{task_id}/complete", as_user="clerk", json={"data": "x"}), 422)


def test_a_patch_with_no_body_is_refused_not_a_silent_success(api):
    advocate = api.post("/api/v1/advocates", json={"code": "A1", "full_name": "A One", "territories": ["Rīga"]})
    assert advocate.status_code == 201, advocate.json
    path = f"/api/v1/advocates/{advocate.json['id']}"
    body = error_body(api.client.patch(path, headers=api.headers("admin")), 422)
    assert body["errors"] == [{"field": "/", "message": "required"}]
    error_body(raw_post(api.client, path, '{"active": false}', api.token("admin"), method="patch",
                        content_type="text/plain"), 415)
    assert api.get(path).json["active"] is True


def test_terminate_by_a_non_admin_of_a_missing_case_is_404_not_403(api, deployed):
    error_body(api.post("/api/v1/process-instances/no-such-case/terminate", as_user="clerk", json={"reason": "x"}), 404)


def test_responses_are_standard_json_even_for_non_finite_numbers(app):
    assert app.json.dumps({"x": float("nan"), "y": [float("inf"), 1.5]}) == '{"x": null, "y": [null, 1.5]}'


def test_the_openapi_error_body_is_the_one_sent(client):
    spec = client.get("/api/openapi.json").json
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"message", "errors"} and set(error["required"]) == {"message", "errors"}
    start = spec["paths"]["/api/v1/process-instances"]["post"]
    assert start["requestBody"]["required"] is True
    for status in ("400", "401", "403", "415", "422"):
        schema = start["responses"][status]
        schema = spec["components"]["responses"][schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
        assert schema["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, status
    version = spec["components"]["schemas"]["InstanceCreate"]["properties"]["version"]
    assert version["type"] == "integer" and version["maximum"] == TOO_BIG - 1
    advocate_id = spec["paths"]["/api/v1/advocates/{advocate_id}"]["parameters"][0]["schema"]
    assert advocate_id == {"type": "integer", "minimum": 0, "maximum": TOO_BIG - 1}
    assert "404" in spec["paths"]["/api/v1/advocates/{advocate_id}"]["get"]["responses"]
    assert "403" not in spec["paths"]["/api/v1/auth/token"]["post"]["responses"]


def test_linear_process_still_starts_with_plain_data(api):
    assert api.deploy({"linear.bpmn": linear_process(tasks=1)}).status_code == 201
    assert api.start("linear", data={"amount": "12.50", "n": 3, "ok": True}).status_code == 201


def test_a_refusal_is_in_latvian_by_default(api, deployed):
    response = api.client.post("/api/v1/process-instances", data=b'{"process_id": ' + b"[" * 70 + b"]" * 70 + b"}",
                               headers={**api.headers("admin"), "Accept-Language": "lv"}, content_type="application/json")
    assert error_body(response, 400)["message"] == "JSON ligzdojums ir dziļāks par 64 līmeņiem"
