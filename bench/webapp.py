"""Benchmark of the staff pages at 100,000 cases: server time of the inbox, task and case pages,
and a full page load in Chromium.

Run from the repository root: ``.venv/bin/python bench/webapp.py`` (``make bench``).
Flags: ``--instances N`` (default 100,000), ``--requests N`` (per page, default 200),
``--loads N`` (Chromium page loads per page, default 20).

The database is a fresh migrated SQLite file. The cases are instances of the browser tests'
evidence model (tests/browser/models): a few hundred started through the service layer (the ones
whose task and case pages are measured) and the rest bulk copies of one started instance under
new ids, spread over lanes (a fifth offered to the clerk's role, one in 10,000 to judges, the rest
to prosecutors), due
dates (three weeks overdue to six weeks ahead) and holders (one in twenty claimed by the clerk),
created a minute apart, so the inbox filters and sorts a realistic mix. The copies' state still names the template's task UUIDs,
which is harmless: they are read, never completed.

Server time is measured in-process with Flask's test client (the whole request: routing, session,
queries, template), signed in as the clerk; the baseline, measured in the same run, is the API's
task list (`GET /api/v1/tasks?limit=25`) for the same person. The API's case list (20 newest) is
measured for the clerk, who started every case, and for a probation officer who takes part in
none: the inbox and the case list must then find out that nothing is theirs; and the lists of a
judge, offered the few cases in a judge's lane, as most people of a shared platform are. The browser figure is the
navigation's load event in headless Chromium against the app served on 127.0.0.1 (werkzeug,
threaded), the diagram included on the case page. Target: p95 ≤ 100 ms server time.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

# The script's own folder must not be first on the path: this file's name would hide the
# `webapp` package, and bench/http.py the standard library's `http`.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench._engine_db import PASSWORD, REPO, fresh_database, open_engine, seed  # noqa: E402
from bench._engine_http import percentile  # noqa: E402

MODELS = REPO / "tests" / "browser" / "models"
PROCESS = "evidence_intake"
BATCH = 5000
TARGET_P95_MS = 100.0
OUTSIDER = "bench-outsider"  # a probation officer: no lane of the evidence model is theirs
JUDGE = "bench-judge"  # offered the few filled cases whose task is in a judge's lane
JUDGE_EVERY = 10_000


def say(line: str = "") -> None:
    print(line, flush=True)


def fill(bind, template_id: str, copies: int, clerk_id: int, now) -> None:
    """`copies` instances and their open task, cloned from the template under new ids."""
    from sqlalchemy import insert, select, text

    from engine.models import HumanTask, ProcessInstance, TaskOffer
    from engine.services.offers import offer_rows

    instances, tasks = ProcessInstance.__table__, HumanTask.__table__
    with bind.begin() as conn:
        instance_row = dict(conn.execute(select(instances).where(instances.c.id == template_id)).mappings().one())
        task_row = dict(conn.execute(select(tasks).where(tasks.c.instance_id == template_id)).mappings().one())
    rng = random.Random(12)
    done = 0
    while done < copies:
        batch = min(BATCH, copies - done)
        rows_i, rows_t = [], []
        for n in range(done, done + batch):
            instance_id = str(uuid.uuid4())
            key = f"B-{n:06d}"
            created = now - timedelta(minutes=copies - n)  # one case a minute, oldest first
            rows_i.append({**instance_row, "id": instance_id, "business_key": key, "created_at": created, "updated_at": created})
            rows_t.append({
                **task_row, "id": str(uuid.uuid4()), "instance_id": instance_id, "business_key": key,
                "role": "judge" if n % JUDGE_EVERY == 7 else "clerk" if n % 5 == 0 else "prosecutor",
                "due_at": now + timedelta(days=rng.randint(-21, 42)),
                "assignee_id": clerk_id if n % 20 == 0 else None, "created_at": created,
            })
        with bind.begin() as conn:
            conn.execute(insert(instances), rows_i)
            conn.execute(insert(tasks), rows_t)
            conn.execute(insert(TaskOffer.__table__), [offer for row in rows_t for offer in offer_rows(row)])
        done += batch
        if done % 20000 < BATCH or done == copies:
            say(f"    filled {done:,} of {copies:,} instances")
    with bind.begin() as conn:
        conn.execute(text("ANALYZE"))


def timed(client, path: str, times: int, token: str | None = None) -> list[float]:
    """Milliseconds per GET; a page uses the client's sign-in cookie, the API the bearer `token`."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    samples = []
    for _ in range(times):
        t0 = time.perf_counter()
        response = client.get(path, headers=headers)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def summary(name: str, samples: list[float], baseline: list[float] | None = None, target: float | None = None) -> str:
    p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
    line = f"  {name:<34} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms"
    if baseline:
        line += f"   ({p95 / percentile(baseline, 0.95):.2f} x the API's p95)"
    if target is not None:
        line += "   ok" if p95 <= target else f"   MISSED target p95 <= {target:.0f} ms"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--measured", type=int, default=200, help="instances started through the service layer")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql: a fresh database on the server of LIETA_BENCH_PG_URL, dropped after")
    args = parser.parse_args()

    from engine.sandbox import Sandbox, SandboxSettings

    files = {p.name: p.read_text() for p in sorted(MODELS.iterdir()) if p.is_file()}
    with tempfile.TemporaryDirectory(prefix="lieta-bench-web-") as tmp, fresh_database(args.db, Path(tmp)) as database:
        sandbox = Sandbox(SandboxSettings(workers=1))
        try:
            say(f"seeding {args.instances:,} instances of {PROCESS} ({args.db}) ...")
            handle = seed(open_engine(database, sandbox), files)
            engine, clerk = handle.engine, handle.clerk
            engine.users.create(OUTSIDER, PASSWORD, ["probation_officer"])
            engine.users.create(JUDGE, PASSWORD, ["judge"])
            measured = [engine.instances.start(clerk, PROCESS, business_key=f"M-{i:04d}").id for i in range(args.measured)]
            template = engine.instances.start(clerk, PROCESS, business_key="TEMPLATE")
            t0 = time.perf_counter()
            fill(handle.session.get_bind(), template.id, max(0, args.instances - args.measured - 1), clerk.id,
                 engine.clock.now())
            say(f"  filled in {time.perf_counter() - t0:.1f} s")
            handle.close()
            run_pages(database.url, Path(tmp), measured, args)
        finally:
            sandbox.close()


def run_pages(url: str, tmp: Path, measured: list[str], args) -> None:
    from webapp import create_app

    os.environ["LIETA_INSTANCE_PATH"] = str(tmp / "instance")
    app = create_app({"LIETA_SETTINGS_OVERRIDES": {"database_url": url, "argon2_time_cost": 1, "argon2_memory_kib": 1024}})
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    assert client.post("/sign-in", data={"username": "bench-clerk", "password": PASSWORD, "csrf_token": csrf(page)}).status_code == 302
    token = client.post("/api/v1/auth/token", json={"username": "bench-clerk", "password": PASSWORD}).json["access_token"]
    with app.app_context():
        engine = app.extensions["lieta_engine"]
        clerk = engine.users.by_username("bench-clerk")
        tasks = {i: engine.tasks.inbox(clerk, instance_id=i, state="ready")[0].id for i in measured}
    rng = random.Random(7)
    picks = [rng.choice(measured) for _ in range(args.requests)]

    say(f"\nserver time, {args.requests} requests per page, signed in as a clerk (in-process, Flask test client):")
    api = timed(client, "/api/v1/tasks?limit=25", args.requests, token)
    say(summary("baseline: API task list (25)", api))
    inbox = timed(client, "/", args.requests)
    say(summary("inbox, first page (by due date)", inbox, api, TARGET_P95_MS))
    say(summary("inbox, page 40 (oldest first)", timed(client, "/?sort=oldest&page=40", args.requests), api, TARGET_P95_MS))
    say(summary("inbox, filtered (key, due, process)",
                timed(client, f"/?business_key=B-001000&due_before=2100-01-01&process={PROCESS}", args.requests), api, TARGET_P95_MS))
    say(summary("API case list (20 newest)", timed(client, "/api/v1/process-instances?limit=20", args.requests, token),
                api, TARGET_P95_MS))
    outsider = client.post("/api/v1/auth/token", json={"username": OUTSIDER, "password": PASSWORD}).json["access_token"]
    say("  a reader who takes part in none of the cases:")
    say(summary("API task list (25), empty", timed(client, "/api/v1/tasks?limit=25", args.requests, outsider),
                api, TARGET_P95_MS))
    say(summary("API task list (25), ready, empty",
                timed(client, "/api/v1/tasks?limit=25&state=ready", args.requests, outsider), api, TARGET_P95_MS))
    say(summary("API case list (20 newest), empty",
                timed(client, "/api/v1/process-instances?limit=20", args.requests, outsider), api, TARGET_P95_MS))
    judge = client.post("/api/v1/auth/token", json={"username": JUDGE, "password": PASSWORD}).json["access_token"]
    few = -(-args.instances // JUDGE_EVERY)
    say(f"  a reader offered {few} of the cases:")
    few_readers(app, client, judge, few, args.requests, api)
    task_times, case_times = [], []
    for instance_id in picks:
        task_times += timed(client, f"/tasks/{tasks[instance_id]}", 1)
        case_times += timed(client, f"/cases/{instance_id}", 1)
    say(summary("task page", task_times, api, TARGET_P95_MS))
    say(summary("case page", case_times, api, TARGET_P95_MS))
    browser_loads(app, picks, tasks, args.loads)


def few_readers(app, client, token: str, few: int, requests: int, api: list[float]) -> None:
    """The lists of a reader with few rows, served from their own rows and then, as the baseline
    in the same run, read in order as every reader was before (engine/services/reach.py)."""
    paths = (("API task list (25)", "/api/v1/tasks?limit=25"),
             ("API task list (25), ready", "/api/v1/tasks?limit=25&state=ready"),
             ("API case list (20 newest)", "/api/v1/process-instances?limit=20"))
    reach = app.extensions["lieta_engine"].access.reach
    served = {name: timed(client, path, requests, token) for name, path in paths}
    listed = client.get("/api/v1/process-instances?limit=20", headers={"Authorization": f"Bearer {token}"}).json
    probe_rows, reach.probe_rows = reach.probe_rows, -1
    reach.forget()
    try:
        in_order = {name: timed(client, path, requests, token) for name, path in paths}
        assert client.get("/api/v1/process-instances?limit=20", headers={"Authorization": f"Bearer {token}"}).json == listed
    finally:
        reach.probe_rows = probe_rows
        reach.forget()
    assert len(listed) == min(few, 20), len(listed)
    for name, _ in paths:
        ratio = percentile(served[name], 0.5) / percentile(in_order[name], 0.5)
        say(summary(name, served[name], api, TARGET_P95_MS) + f"   read in order: p50 {percentile(in_order[name], 0.5):.1f} ms"
            f" (own rows ÷ in order {ratio:.3f})")


def browser_loads(app, picks: list[str], tasks: dict[str, str], loads: int) -> None:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tests.browser.conftest import CHROMIUM_FLAGS, DEFAULT_CHROMIUM

    chromium = os.environ.get("LIETA_CHROMIUM") or DEFAULT_CHROMIUM
    if not Path(chromium).is_file():
        say(f"\nno Chromium at {chromium}: browser figures not measured (apt-get install chromium)")
        return
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    say(f"\nfull page load in headless Chromium ({loads} loads per page, navigation start to load event):")
    with sync_playwright() as playwright, contextlib.closing(
        playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
    ) as browser:
        page = browser.new_page()
        page.goto(base + "/sign-in")
        page.fill("#username", "bench-clerk")
        page.fill("#password", PASSWORD)
        page.click("button.primary")
        for name, paths, ready in (
            ("inbox", ["/"] * loads, None),
            ("task page", [f"/tasks/{tasks[i]}" for i in picks[:loads]], None),
            ("case page (diagram drawn)", [f"/cases/{i}" for i in picks[:loads]], "diagram"),
        ):
            samples = []
            for path in paths:
                t0 = time.perf_counter()
                page.goto(base + path, wait_until="load")
                if ready:
                    for _ in range(200):
                        if page.evaluate("document.getElementById('diagram').dataset.ready === 'true'"):
                            break
                        page.wait_for_timeout(5)
                samples.append((time.perf_counter() - t0) * 1000)
            say(summary(name, samples))
    server.shutdown()


if __name__ == "__main__":
    main()
