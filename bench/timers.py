"""Benchmark: N timers due at the same instant, fired by 2 worker processes on one PostgreSQL.

Run from the repository root: ``.venv/bin/python bench/timers.py`` (``make bench``).
Flags: ``--timers N`` (default 10,000), ``--quick`` (1,000), ``--creators K`` (processes that
start the instances, default 2).

1. A fresh database (``lieta_bench_timers_<hex>`` on the server of ``LIETA_BENCH_PG_URL``, default
   ``postgresql://postgres@127.0.0.1:5432/test``) is migrated with the production migrations and
   the process ``start → timer "PT1H" → user task → end`` is deployed.
2. N instances are started through the service layer (``engine.instances.start``, one
   transaction each) by K spawned processes, so every instance has its own workflow and task UUIDs.
3. The database is copied (``CREATE DATABASE ... TEMPLATE``) so both runs fire the same N timers.
4. Baseline: 1 worker process fires them all. Then 2 worker processes, released together by a
   barrier, each call ``engine.timers.fire_due()`` until nothing is due. Every worker has its own
   app (engine, workflow cache, pool) and a ``FrozenClock`` standing one minute past the due time.
5. Printed per run: the time from the release until the last timer fired, timers/s, how many each
   process fired, and the double firings counted in the database: timers with more than one
   ``timer_fired`` audit row, instances whose user task was projected more than once, and
   instances changed more than once (lock version). All must be 0.

The databases are dropped at the end. PostgreSQL unreachable: one line, exit code 0. Exit code 1
only when something broke (a double firing, an unfired timer, a worker error).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# The script's own folder is sys.path[0]; bench/http.py there would shadow the standard library's
# `http` (imported by Werkzeug): the repository root takes its place.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from sqlalchemy import create_engine, text  # noqa: E402

from bench import _timers_setup as setup  # noqa: E402

WAIT_S = setup.RUN_TIMEOUT_S + setup.BARRIER_TIMEOUT_S


def say(line: str = "") -> None:
    print(line, flush=True)


def load_line() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} on {os.cpu_count()} CPUs"


class BenchError(RuntimeError):
    pass


def collect(results, count: int, what: str) -> list[tuple]:
    items = []
    deadline = time.monotonic() + WAIT_S
    while len(items) < count:
        try:
            item = results.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty as err:
            raise BenchError(f"{what}: {len(items)} of {count} reports arrived in time") from err
        if item[0] == "error":
            raise BenchError(f"{what}: {item[1]} {item[2]}")
        items.append(item)
    return items


def join_all(workers) -> None:
    for worker in workers:
        worker.join(setup.BARRIER_TIMEOUT_S)
        if worker.is_alive():
            worker.kill()
            worker.join(setup.BARRIER_TIMEOUT_S)


# --- the phases ------------------------------------------------------------------------------------


def start_instances(url: str, count: int, creators: int, workdir: Path) -> float:
    """Start `count` instances in `creators` processes; returns the seconds from the first start
    to the last commit (the processes' app building is not counted)."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    shares = [count // creators + (1 if i < count % creators else 0) for i in range(creators)]
    firsts = [sum(shares[:i]) for i in range(creators)]
    workers = [
        context.Process(
            target=setup.start_instances, daemon=True,
            args=(url, str(workdir / f"instance-creator-{i}"), firsts[i], shares[i], results),
        )
        for i in range(creators)
    ]
    for worker in workers:
        worker.start()
    try:
        reports = collect(results, creators, "starting the instances")
    finally:
        join_all(workers)
        results.close()
    if sum(r[1] for r in reports) != count:
        raise BenchError(f"started {sum(r[1] for r in reports)} instances, expected {count}")
    return max(r[3] for r in reports) - min(r[2] for r in reports)


@dataclass
class Firing:
    processes: int
    seconds: float  # from the release until the last process saw nothing due
    fired: dict[str, int]  # per process, as `fire_due` reported (commits)
    calls: dict[str, int]
    cpu: dict[str, float]  # CPU seconds each worker spent (its own process, not PostgreSQL's)


def fire_all(url: str, processes: int, workdir: Path, label: str) -> Firing:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)  # the workers, and this process to see the release
    results = context.Queue()
    names = [f"{label}-{i}" for i in range(processes)]
    workers = [
        context.Process(
            target=setup.fire_until_nothing_due, name=name, daemon=True,
            args=(url, str(workdir / f"instance-{name}"), name, barrier, results),
        )
        for name in names
    ]
    for worker in workers:
        worker.start()
    try:
        barrier.wait(setup.BARRIER_TIMEOUT_S)  # every worker has built its app
        released = time.monotonic()
        reports = {name: data for _, name, data in collect(results, processes, f"firing with {processes}")}
    finally:
        join_all(workers)
        results.close()
    return Firing(
        processes=processes,
        seconds=max(r["ended"] for r in reports.values()) - released,
        fired={name: reports[name]["fired"] for name in names},
        calls={name: reports[name]["calls"] for name in names},
        cpu={name: reports[name]["cpu"] for name in names},
    )


@dataclass
class Check:
    timers: dict[str, int]
    audit_rows: int
    audit_doubles: int  # timers with more than one timer_fired audit row
    task_doubles: int  # instances whose user task was projected more than once
    no_task: int  # instances without their ready user task
    changed_twice: int  # instances whose lock version moved more than one step
    not_changed: int

    @property
    def doubles(self) -> int:
        return self.audit_doubles + self.task_doubles + self.changed_twice


def lock_versions(url: str) -> dict[int, int]:
    with _connect(url) as conn:
        return dict(conn.execute(text("SELECT lock_version, count(*) FROM process_instances GROUP BY 1")).all())


def check(url: str, version_after_start: int) -> Check:
    with _connect(url) as conn:
        def one(sql: str) -> int:
            return int(conn.execute(text(sql)).scalar_one())

        return Check(
            timers=dict(conn.execute(text("SELECT status, count(*) FROM timers GROUP BY 1 ORDER BY 1")).all()),
            audit_rows=one("SELECT count(*) FROM audit_events WHERE event = 'timer_fired'"),
            audit_doubles=one(
                "SELECT count(*) FROM (SELECT task_id FROM audit_events WHERE event = 'timer_fired' "
                "GROUP BY task_id HAVING count(*) > 1) AS d"
            ),
            task_doubles=one(
                "SELECT count(*) FROM (SELECT instance_id FROM human_tasks GROUP BY instance_id HAVING count(*) > 1) AS d"
            ),
            no_task=one(
                "SELECT count(*) FROM process_instances p WHERE NOT EXISTS (SELECT 1 FROM human_tasks h "
                "WHERE h.instance_id = p.id AND h.state = 'ready' AND h.element_id = 'after')"
            ),
            changed_twice=one(f"SELECT count(*) FROM process_instances WHERE lock_version > {version_after_start + 1}"),
            not_changed=one(f"SELECT count(*) FROM process_instances WHERE lock_version <= {version_after_start}"),
        )


class _connect:
    def __init__(self, url: str) -> None:
        from webapp.settings import normalise_database_url

        self.engine = create_engine(normalise_database_url(url))

    def __enter__(self):
        self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()
        self.engine.dispose()


# --- the run -----------------------------------------------------------------------------------------


def report(firing: Firing, result: Check, count: int) -> list[str]:
    problems = []
    rate = count / firing.seconds
    split = ", ".join(
        f"{name} {fired} ({100 * fired / count:.1f} %, {firing.calls[name]} fire_due calls, "
        f"{firing.cpu[name]:.1f} s CPU)"
        for name, fired in firing.fired.items()
    )
    say(f"  all fired after {firing.seconds:.1f} s: {rate:.0f} timers/s")
    say(f"  per process: {split}; reported in total {sum(firing.fired.values())}")
    say(f"  timers by status: {result.timers}; timer_fired audit rows: {result.audit_rows}")
    say(
        f"  double firings: {result.audit_doubles} (timer_fired rows per task_id > 1), "
        f"{result.task_doubles} (user task projected more than once), "
        f"{result.changed_twice} (instance changed more than once)"
    )
    if result.doubles:
        problems.append(f"{firing.processes} process(es): {result.doubles} double firings")
    if result.timers != {"fired": count} or result.audit_rows != count or result.no_task or result.not_changed:
        problems.append(
            f"{firing.processes} process(es): not every timer fired once "
            f"({result.timers}, {result.audit_rows} audit rows, {result.no_task} instances without their task, "
            f"{result.not_changed} unchanged)"
        )
    if sum(firing.fired.values()) != count:
        problems.append(f"{firing.processes} process(es): the workers reported {sum(firing.fired.values())} firings")
    return problems


def run(count: int, creators: int, workdir: Path) -> list[str]:
    names: list[str] = []
    try:
        two = setup.new_database_name()
        names.append(two)
        url_two = setup.create_database(two)
        setup.migrate_and_seed(url_two, workdir)
        say(f"=== {count} instances waiting on a timer (PT1H), started by {creators} processes ===")
        seconds = start_instances(url_two, count, creators, workdir)
        say(f"  started in {seconds:.1f} s: {count / seconds:.0f} instances/s (engine.instances.start, one transaction each)")
        versions = lock_versions(url_two)
        if len(versions) != 1:
            raise BenchError(f"the started instances differ in lock version: {versions}")
        [version_after_start] = versions
        one = setup.new_database_name()
        names.append(one)
        url_one = setup.create_database(one, template=two)
        say(f"  copied to a second database for the baseline ({one})")
        say(load_line())

        say(f"=== baseline: 1 process fires {count} due timers ===")
        single = fire_all(url_one, 1, workdir, "solo")
        single_check = check(url_one, version_after_start)
        problems = report(single, single_check, count)
        say(load_line())

        say(f"=== 2 processes, released together, fire {count} due timers ===")
        double = fire_all(url_two, 2, workdir, "pair")
        double_check = check(url_two, version_after_start)
        problems += report(double, double_check, count)
        if any(fired == 0 for fired in double.fired.values()):
            problems.append(f"one of the 2 processes fired nothing: {double.fired}")
        say(load_line())

        say("=== summary ===")
        say(f"  1 process:   {single.seconds:7.1f} s  {count / single.seconds:6.0f} timers/s")
        say(f"  2 processes: {double.seconds:7.1f} s  {count / double.seconds:6.0f} timers/s")
        say(f"  2 processes vs 1: {single.seconds / double.seconds:.2f} x the rate "
            f"(on {os.cpu_count()} CPUs shared with PostgreSQL)")
        say(f"  double firings: {single_check.doubles} with 1 process, {double_check.doubles} with 2 processes (must be 0)")
        return problems
    finally:
        for name in names:
            setup.drop_database(name)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timers", type=int, default=10_000, help="timers due at once (default 10,000)")
    parser.add_argument("--quick", action="store_true", help="1,000 timers")
    parser.add_argument("--creators", type=int, default=2, help="processes starting the instances (default 2)")
    args = parser.parse_args(argv)
    if args.quick:
        args.timers = min(args.timers, 1000)
    if args.timers < 1 or args.creators < 1:
        parser.error("--timers and --creators must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    say("=== bench/timers.py: timers due at once, fired by worker processes on one PostgreSQL ===")
    why = setup.postgres_unreachable()
    if why is not None:
        say(f"PostgreSQL at {setup.PG_ADMIN_URL} is unreachable ({why}): the timer benchmark needs it; skipped.")
        return 0
    # A SIGTERM must still run the `finally` blocks that drop the databases.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lieta-bench-timers-") as tmp:
        try:
            problems = run(args.timers, args.creators, Path(tmp))
        except BenchError as err:
            say(f"FAILED: {err}")
            return 1
    say(f"  total run time {time.monotonic() - began:.0f} s")
    for problem in problems:
        say(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
