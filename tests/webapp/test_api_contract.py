def test_openapi_document_lists_the_contract(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/auth/token", "post"),
        ("/api/v1/deployments", "post"),
        ("/api/v1/process-definitions", "get"),
        ("/api/v1/process-instances", "post"),
        ("/api/v1/process-instances/{instance_id}", "get"),
        ("/api/v1/process-instances/{instance_id}/history", "get"),
        ("/api/v1/tasks", "get"),
        ("/api/v1/tasks/{task_id}/claim", "post"),
        ("/api/v1/tasks/{task_id}/complete", "post"),
    ]:
        assert method in paths[path], path
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_swagger_ui_is_served(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"swagger" in response.data.lower()


def test_healthz_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["database"] == "reachable"


def test_unknown_api_path_has_the_error_shape(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert set(response.json) == {"message", "errors"}


def test_wrong_method_has_the_error_shape(client):
    response = client.delete("/api/v1/process-definitions")
    assert response.status_code == 405
    assert set(response.json) == {"message", "errors"}
