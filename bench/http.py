"""HTTP throughput of the staff pattern, as spiff-arena was measured side by side (issue "Figures"):
per instance, start it, then 10 × [list my inbox → complete the task]. A server started with
`make run`'s settings (gunicorn, 2 workers × 4 threads) on SQLite and on PostgreSQL; 1 client, then
4 clients (separate processes, each its own user, so client-side Python never limits the server).

Prints list-and-complete pairs per second, the ratio of 4 clients to 1, and p50/p95/p99 of the
list and the complete requests. Targets: ≥ 150 pairs/s at 1 client, 4 clients ≥ 1.3 × 1 client.

The client is the standard library's `http.client` on one keep-alive connection: the target is
the server's, and on a two-core machine the client shares the CPU with it. `requests` spends about
a millisecond of its own per request (measured against a bare WSGI app), which at one client adds
straight to every pair; `--client requests` measures with it. The server writes its access log,
as `make run`'s does.

    .venv/bin/python bench/http.py [--instances 20] [--db sqlite|postgresql|both] [--client http.client|requests]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder would come first on the path and this file would shadow the
# standard library's `http` package: the repository root takes its place.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._engine_db import PASSWORD, fresh_database, open_engine, postgres_reachable  # noqa: E402
from bench._engine_http import gunicorn_server, percentile  # noqa: E402
from tests.support.bpmn_builder import linear_process  # noqa: E402

TASKS = 10
CLIENTS = 4


class _StdlibClient:
    """One keep-alive connection; answers as (status, decoded JSON)."""

    def __init__(self, base: str) -> None:
        import http.client

        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port))
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        reply = self.connection.getresponse()
        return reply.status, json.loads(reply.read() or b"null")


class _RequestsClient:
    def __init__(self, base: str) -> None:
        import requests

        self.base = base
        self.session = requests.Session()
        self.headers = self.session.headers

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        reply = self.session.request(method, f"{self.base}{path}", json=body)
        return reply.status_code, reply.json()


def _client(base: str, kind: str, username: str, instances: int, out) -> None:
    """One staff member: start a case, then list the inbox and complete the case's task, ten times."""
    http = _StdlibClient(base) if kind == "http.client" else _RequestsClient(base)
    status, token = http.call("POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD})
    if status != 200:
        raise RuntimeError(f"sign-in answered {status}")
    http.headers["Authorization"] = f"Bearer {token['access_token']}"
    lists, completes = [], []
    started = time.perf_counter()
    for _ in range(instances):
        instance_id = http.call("POST", "/api/v1/process-instances", {"process_id": "linear"})[1]["id"]
        for _ in range(TASKS):
            t0 = time.perf_counter()
            _, inbox = http.call("GET", "/api/v1/tasks?state=ready")
            t1 = time.perf_counter()
            [task_id] = [t["id"] for t in inbox if t["process_instance_id"] == instance_id]
            status, done = http.call("POST", f"/api/v1/tasks/{task_id}/complete", {"data": {}})
            t2 = time.perf_counter()
            if status != 200:
                raise RuntimeError(f"complete answered {status}: {str(done)[:300]}")
            lists.append((t1 - t0) * 1000)
            completes.append((t2 - t1) * 1000)
    out.put((time.perf_counter() - started, lists, completes))


def _run(base: str, kind: str, clients: int, instances: int) -> dict:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=_client, args=(base, kind, f"bench-clerk-{n}", instances, queue))
        for n in range(clients)
    ]
    t0 = time.perf_counter()
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=900) for _ in procs]
    wall = time.perf_counter() - t0
    for proc in procs:
        proc.join()
    lists = [ms for _, lst, _ in results for ms in lst]
    completes = [ms for _, _, cmp in results for ms in cmp]
    return {"pairs": len(completes), "seconds": wall, "rate": len(completes) / wall, "lists": lists, "completes": completes}


def _prepare(database, workdir: Path) -> None:
    from engine.sandbox import Sandbox, SandboxSettings

    sandbox = Sandbox(SandboxSettings(workers=1))
    handle = open_engine(database, sandbox)
    try:
        users = handle.engine.users
        admin = users.create("bench-admin", PASSWORD, ["admin"])
        for n in range(CLIENTS):
            users.create(f"bench-clerk-{n}", PASSWORD, ["clerk"])
        handle.engine.deployments.deploy(admin, [("linear.bpmn", linear_process(tasks=TASKS).encode())])
    finally:
        handle.close()
        sandbox.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=20, help="instances per client (10 pairs each)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--client", choices=["http.client", "requests"], default="http.client")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    if "postgresql" in kinds and (why := postgres_reachable()):
        print(f"PostgreSQL is not reachable ({why}); measuring SQLite only")
        kinds = ["sqlite"]
    print(f"pattern: start, then {TASKS} × [list inbox → complete]; gunicorn 2 workers × 4 threads, access log on; "
          f"{args.instances} instances per client; client {args.client}")
    print("| database | clients | pairs | pairs/s | ÷ 1 client | list p50/p95/p99 ms | complete p50/p95/p99 ms |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for kind in kinds:
            with fresh_database(kind, workdir) as database:
                _prepare(database, workdir)
                with gunicorn_server(database, workdir, workers=2, access_log=True) as base:
                    _run(base, args.client, 1, 2)  # warm-up: imports, parsed spec, first connections
                    one = _run(base, args.client, 1, args.instances)
                    many = _run(base, args.client, CLIENTS, args.instances)
                for clients, result in ((1, one), (CLIENTS, many)):
                    ratio = result["rate"] / one["rate"]
                    print(
                        f"| {kind} | {clients} | {result['pairs']} | {result['rate']:.1f} | {ratio:.2f} | "
                        + "/".join(f"{percentile(result['lists'], q):.2f}" for q in (0.5, 0.95, 0.99)) + " | "
                        + "/".join(f"{percentile(result['completes'], q):.2f}" for q in (0.5, 0.95, 0.99)) + " |"
                    )


if __name__ == "__main__":
    main()
