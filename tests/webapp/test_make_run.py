"""What `make run` does, step by step as the Makefile runs it, then signing in as each demo user."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.server import LietaServer

ROOT = Path(__file__).resolve().parents[2]
DEMO_USERS = [
    "admin", "process-analyst", "investigator", "prosecutor", "duty-prosecutor", "legal-aid-officer",
    "advocate", "court-clerk", "court-clerk-2", "judge", "probation-officer", "prison-officer", "compensation-officer", "clerk",
    "chief-prosecutor", "court-chair", "elder-of-sworn-advocates", "citizen",
]


def make_run_steps() -> list[list[str]]:
    """The flask commands of the Makefile's `migrate`, `seed` and `deploy-bundled` targets."""
    makefile = (ROOT / "Makefile").read_text()
    steps = []
    for target in ("migrate", "seed", "deploy-bundled"):
        recipe = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        for line in recipe.splitlines()[1:]:
            command = line.strip().replace("$(FLASK)", "flask --app webapp").replace("$(MIGRATIONS)", "webapp/migrations")
            if command.startswith("flask"):
                steps.append([sys.executable, "-m", *command.split()])
    return steps


@pytest.mark.slow
def test_make_run_steps_serve_the_bundled_processes_to_the_demo_users(database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIETA_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url, LIETA_INSTANCE_PATH=str(tmp_path), LIETA_ARGON2_TIME_COST="1",
               LIETA_ARGON2_MEMORY_KIB="1024", PYTHONPATH=str(ROOT))
    steps = make_run_steps()
    assert [s[5:7] for s in steps] == [
        ["db", "upgrade"], ["users", "seed-demo"], ["resources", "seed-demo"], ["messages", "catalogue"],
        ["processes", "deploy"],
    ]
    for step in steps:
        done = subprocess.run(step, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    server = LietaServer(database_url, tmp_path, tmp_path / "server.log")
    server.start()
    try:
        tokens = {}
        for username in DEMO_USERS:
            response = requests.post(
                f"{server.base_url}/api/v1/auth/token", json={"username": username, "password": "demo"}, timeout=10
            )
            assert response.status_code == 200, (username, response.text)
            tokens[username] = response.json()["access_token"]
        token = tokens["admin"]
        publish_a_decision(server.base_url, tokens["court-clerk"], tokens["court-clerk-2"])
        listed = requests.get(
            f"{server.base_url}/api/v1/process-definitions", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        assert {"court_intake", "legal_aid_appointment", "state_compensation_claim"} <= {d["process_id"] for d in listed}
        advocates = requests.get(
            f"{server.base_url}/api/v1/advocates", headers={"Authorization": f"Bearer {token}"}, timeout=10
        ).json()
        assert len(advocates) >= 50
        assert {"riga", "kurzeme", "zemgale", "vidzeme", "latgale"} <= {t for a in advocates for t in a["territories"]}
        wrong = requests.post(f"{server.base_url}/api/v1/auth/token", json={"username": "admin", "password": "x"}, timeout=10)
        assert wrong.status_code == 401
    finally:
        server.stop()


def publish_a_decision(base: str, reviewer: str, approver: str) -> None:
    """The demo's two court clerks put a decision through review and approval to the public list."""
    def call(method: str, path: str, token: str, **kwargs):
        response = requests.request(method, f"{base}{path}", headers={"Authorization": f"Bearer {token}"},
                                    timeout=60, **kwargs)
        assert response.status_code < 300, (path, response.status_code, response.text)
        return response.json()

    text = "Apsūdzētais Jānis Bērziņš, personas kods 121282-11116, atzina vainu."
    decision = call("POST", "/api/v1/decisions", reviewer, files={"file": ("spriedums.txt", text.encode())},
                    data={"court": "COURT:RIGA", "case_number": "K30-0001-26", "case_type": "criminal",
                          "decision_date": "2026-11-02"})
    for span in decision["spans"]:
        call("POST", f"/api/v1/decisions/{decision['id']}/spans/{span['id']}", reviewer, json={"accept": True})
    call("POST", f"/api/v1/decisions/{decision['id']}/review", reviewer)
    call("POST", f"/api/v1/decisions/{decision['id']}/approval", approver, json={"approved": True})
    published = requests.get(f"{base}/api/v1/public/decisions", timeout=10).json()
    assert published["total"] == 1 and "121282-11116" not in published["items"][0]["text"]
