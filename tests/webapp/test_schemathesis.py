"""The published contract, checked by schemathesis against a live server set up as `make run` does.

Once per `make test`, on SQLite only: the test takes its own SQLite file rather than the
`database_url` fixture, so it carries no `db` mark and the PostgreSQL pass does not select it.
Every operation of /api/openapi.json gets up to 25 generated requests, as the admin (who may do
everything) and as the demo clerk (who may do little); every answer must be no server error, a
documented status and a body matching the documented schema.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.server import LietaServer
from tests.webapp.test_make_run import ROOT, make_run_steps

CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
EXAMPLES_PER_OPERATION = 25
RUN_TIMEOUT_S = 240
SEED = 20270104
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _prepared_server(tmp_path: Path) -> LietaServer:
    database_url = f"sqlite:///{tmp_path / 'lieta.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIETA_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url, LIETA_INSTANCE_PATH=str(tmp_path), LIETA_ARGON2_TIME_COST="1",
               LIETA_ARGON2_MEMORY_KIB="1024", PYTHONPATH=str(ROOT))
    for step in make_run_steps():
        done = subprocess.run(step, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    # As `make serve`: two workers with the scheduler on. A roster solve is cut to 2 s so that
    # generated `time_limit`s keep the run within its budget (the cut is the setting under test).
    return LietaServer(database_url, tmp_path, tmp_path / "server.log", workers=2,
                       environment={"LIETA_SCHEDULER": "1", "LIETA_SOLVER_MAX_SECONDS": "2"})


def _token(server: LietaServer, username: str) -> str:
    response = requests.post(f"{server.base_url}/api/v1/auth/token",
                             json={"username": username, "password": "demo"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_api_keeps_its_published_contract(tmp_path):
    server = _prepared_server(tmp_path)
    server.start()
    try:
        for username in ("admin", "clerk"):
            token = _token(server, username)
            run = subprocess.run(
                [str(SCHEMATHESIS), "run", f"{server.base_url}/api/openapi.json", "--url", server.base_url,
                 "--header", f"Authorization: Bearer {token}", "--checks", CHECKS,
                 "--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", str(SEED),
                 "--generation-database", "none", "--request-timeout", "30", "--no-color",
                 "--workers", "1"],
                cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
            )
            assert run.returncode == 0, f"as {username}:\n{run.stdout[-20000:]}\n{run.stderr[-3000:]}\n{server.log_tail()}"
    finally:
        server.stop()
