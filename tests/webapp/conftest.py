"""API helpers: users with roles, tokens, deployments."""

from __future__ import annotations

import io

import pytest

from tests.support.bpmn_builder import gateway_process, linear_process

ROLES = {
    "admin": ["admin"],
    "analyst": ["process_analyst"],
    "clerk": ["clerk"],
    "clerk2": ["clerk"],
    "prosecutor": ["prosecutor"],
    "outsider": ["probation_officer"],
}


class Api:
    def __init__(self, app, client):
        self.app = app
        self.client = client
        self._tokens: dict[str, str] = {}

    def engine(self):
        return self.app.extensions["lieta_engine"]

    def create_users(self, roles=ROLES):
        with self.app.app_context():
            for username, user_roles in roles.items():
                self.engine().users.create(username, "secret-" + username, user_roles)

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self.client.post(
                "/api/v1/auth/token", json={"username": username, "password": "secret-" + username}
            )
            assert response.status_code == 200, response.json
            self._tokens[username] = response.json["access_token"]
        return self._tokens[username]

    def headers(self, username: str) -> dict:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def get(self, path, as_user="admin", **kw):
        return self.client.get(path, headers=self.headers(as_user), **kw)

    def post(self, path, as_user="admin", **kw):
        return self.client.post(path, headers=self.headers(as_user), **kw)

    def deploy(self, files: dict[str, str | bytes], as_user="analyst"):
        data = {"files": [(io.BytesIO(c.encode() if isinstance(c, str) else c), name) for name, c in files.items()]}
        return self.post("/api/v1/deployments", as_user=as_user, data=data, content_type="multipart/form-data")

    def declare_message(self, name: str, senders: list[str], receivers: list[str], payload_schema=None):
        """A message catalogue entry (deploying a model that throws or catches `name` needs one)."""
        response = self.client.put(
            f"/api/v1/message-catalogue/{name}", headers=self.headers("admin"),
            json={"senders": senders, "receivers": receivers, "payload_schema": payload_schema},
        )
        assert response.status_code in (200, 201), response.json
        return response

    def start(self, process_id: str, as_user="admin", **body):
        return self.post("/api/v1/process-instances", as_user=as_user, json={"process_id": process_id, **body})

    def ready_tasks(self, instance_id: str, as_user="admin"):
        response = self.get(f"/api/v1/tasks?process_instance_id={instance_id}&state=ready", as_user=as_user)
        assert response.status_code == 200, response.json
        return response.json

    def complete(self, task_id: str, data=None, as_user="admin"):
        return self.post(f"/api/v1/tasks/{task_id}/complete", as_user=as_user, json={"data": data or {}})


@pytest.fixture
def api(app, client):
    api = Api(app, client)
    api.create_users()
    return api


@pytest.fixture
def deployed(api):
    """The linear (3 tasks, lane Clerk) and gateway processes, deployed."""
    response = api.deploy({"linear.bpmn": linear_process(tasks=3), "gateway.bpmn": gateway_process()})
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture(params=["own rows", "in order"])
def both_reaches(request, app):
    """Lists answered both ways a reader can be served (engine/services/reach.py): from their own
    rows (every reader of a test is one who takes part in few cases), and read in order, as a
    reader who takes part in many is."""
    if request.param == "in order":
        app.extensions["lieta_engine"].access.reach.probe_rows = -1
    return request.param
