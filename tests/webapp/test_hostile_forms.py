"""A form file is untrusted input: its `$ref`s never reach the host's files or network, and its
patterns cannot hold a request for long, whether the form is refused at deployment or was stored
before these checks existed (an older version row)."""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from tests.support.bpmn_builder import ProcessBuilder

FORM = {"type": "object", "required": ["note"], "properties": {"note": {"type": "string"}}}


def with_form(process_id="formed", form="decide.json"):
    p = ProcessBuilder(process_id)
    p.start()
    p.user_task("decide", "Decide", lane="Clerk", form=form)
    p.end()
    p.chain("start", "decide", "end")
    return p.xml()


def hostile_form(ref: str) -> dict:
    return {"type": "object", "properties": {"note": {"$ref": ref}}}


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):  # noqa: N802  (the http.server API)
        self.requests.append(self.path)
        body = json.dumps({"const": "secret-from-the-server"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """A tiny HTTP server on 127.0.0.1 that records every request it gets."""
    handler = type("Recorder", (_Recorder,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/schema.json", handler.requests
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


def _assert_nobody_reads(fifo_path) -> None:
    # Opening a FIFO for writing without blocking fails with ENXIO exactly when no reader has it open.
    with pytest.raises(OSError) as caught:
        os.open(fifo_path, os.O_WRONLY | os.O_NONBLOCK)
    assert caught.value.errno == errno.ENXIO


@pytest.fixture(params=["passwd", "fifo", "local-http"])
def hostile_ref(request, fifo, local_server):
    url, requests = local_server
    ref = {"passwd": "file:///etc/passwd", "fifo": f"file://{fifo}", "local-http": url}[request.param]
    yield ref
    assert requests == [], "the validator must never contact the network"
    _assert_nobody_reads(fifo)


def test_a_ref_outside_the_deployment_is_refused_at_deployment(api, hostile_ref):
    response = api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(hostile_form(hostile_ref))})
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["file"] == "decide.json"
    assert "/properties/note/$ref" in problem["message"]
    assert "outside the deployment" in problem["message"]
    assert api.get("/api/v1/process-definitions").json == []


def _store_unchecked_version(api, process_id: str, form_name: str, form: dict) -> None:
    """A version row holding `form` as if stored before the deployment checks existed."""
    from engine.models import ProcessDefinition
    from webapp.extensions import db

    with api.app.app_context():
        first = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.process_id == process_id))
        files = json.loads(first.bundle)
        files[form_name] = json.dumps(form)
        db.session.add(ProcessDefinition(
            process_id=process_id, version=first.version + 1, name=first.name, sha256="0" * 64,
            deployment_id=first.deployment_id, deployed_at=first.deployed_at,
            bundle=json.dumps(files, sort_keys=True), message_starts=first.message_starts,
        ))
        db.session.commit()


def _complete_in_thread(api, task_id: str, data: dict, within: float = 20.0):
    """Complete a task, failing (instead of hanging the run) if the request blocks."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("r", api.complete(task_id, data, as_user="clerk")),
                              daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), "completing the task blocked"
    return result["r"]


def test_a_stored_form_with_such_a_ref_is_never_followed(api, hostile_ref):
    assert api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(FORM)}).status_code == 201
    _store_unchecked_version(api, "formed", "decide.json", hostile_form(hostile_ref))
    instance = api.start("formed", as_user="clerk")
    assert instance.status_code == 201, instance.json
    assert instance.json["version"] == 2
    task = api.ready_tasks(instance.json["id"])[0]

    response = _complete_in_thread(api, task["id"], {"note": "x"})
    assert 400 <= response.status_code < 500, response.json
    assert "not part of its deployment" in json.dumps(response.json)
    assert "secret-from-the-server" not in json.dumps(response.json)
    assert "root:" not in json.dumps(response.json)
    # Nothing moved: the task is still ready for a corrected version.
    assert [t["id"] for t in api.ready_tasks(instance.json["id"])] == [task["id"]]


def test_a_ref_to_another_form_of_the_deployment_works_and_is_stored_with_the_version(api):
    shared = {"$defs": {"note": {"type": "string", "maxLength": 5}}}
    response = api.deploy({
        "formed.bpmn": with_form(), "decide.json": json.dumps(hostile_form("shared.json#/$defs/note")),
        "shared.json": json.dumps(shared),
    })
    assert response.status_code == 201, response.json
    instance_id = api.start("formed", as_user="clerk").json["id"]
    task = api.ready_tasks(instance_id)[0]
    refused = api.complete(task["id"], {"note": "far too long"}, as_user="clerk")
    assert refused.status_code == 422, refused.json
    assert [e["field"] for e in refused.json["errors"]] == ["/note"]
    assert api.complete(task["id"], {"note": "ok"}, as_user="clerk").status_code == 200


def test_a_ref_to_a_form_file_missing_from_the_upload_is_refused(api):
    response = api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(hostile_form("shared.json"))})
    assert response.status_code == 422, response.json
    assert "not in the upload" in response.json["errors"][0]["message"]


# --- patterns ----------------------------------------------------------------------------------

CATASTROPHIC = ["^(a|a)+$", "(a+)+b", "(x+x+)+y", r"^(\w+\s?)*$"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_catastrophic_pattern_is_refused_at_deployment(api, pattern):
    form = {"type": "object", "properties": {"note": {"type": "string", "pattern": pattern}}}
    response = api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(form)})
    assert response.status_code == 422, response.json
    [problem] = response.json["errors"]
    assert problem["file"] == "decide.json"
    assert "/properties/note/pattern" in problem["message"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_stored_catastrophic_pattern_answers_quickly(api, pattern):
    assert api.deploy({"formed.bpmn": with_form(), "decide.json": json.dumps(FORM)}).status_code == 201
    form = {"type": "object", "properties": {"note": {"type": "string", "pattern": pattern}}}
    _store_unchecked_version(api, "formed", "decide.json", form)
    instance_id = api.start("formed", as_user="clerk").json["id"]
    task = api.ready_tasks(instance_id)[0]
    for text in ("a" * 10_000 + "!", "x" * 10_000, "a " * 5_000 + "!"):
        started = time.thread_time()
        response = api.complete(task["id"], {"note": text}, as_user="clerk")
        elapsed = time.thread_time() - started
        assert response.status_code in (200, 422), response.json
        if response.status_code == 200:
            break
        # CPU time of the request (the test client runs it in this thread), sign-in and database
        # included; the patterns get 0.1 s of it. Without the budget this takes hours.
        assert elapsed < 1.0, (pattern, text[:4], elapsed)


def test_a_form_reached_through_ref_is_checked_like_a_tasks_own(api):
    shared = {"$defs": {"note": {"type": "string", "pattern": "(a+)+b"}, "fee": {"type": "number", "x-money": True}}}
    response = api.deploy({
        "formed.bpmn": with_form(), "decide.json": json.dumps(hostile_form("shared.json#/$defs/note")),
        "shared.json": json.dumps(shared),
    })
    assert response.status_code == 422, response.json
    found = sorted((e["file"], e["message"].split(":")[0]) for e in response.json["errors"])
    assert found == [("shared.json", "at /$defs/fee"), ("shared.json", "at /$defs/note/pattern")]
