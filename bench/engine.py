"""Benchmark of the persisted engine against in-memory SpiffWorkflow, and of the HTTP API.

Run from the repository root: ``.venv/bin/python bench/engine.py`` (``make bench``).
Flags: ``--quick`` (fewer instances, 5,000 in the HTTP database), ``--instances N``,
``--db sqlite|postgresql|both`` (default both), ``--skip-http``, ``--skip-long``, ``--long-measured N``.

For a linear 10-user-task process and a gateway process (XOR on `decision`, then an AND pair;
five user tasks either way), it measures task completions per second:
  (a) plain in-memory SpiffWorkflow: parse once, ``BpmnWorkflow(spec)`` per instance,
      ``task.run()`` + ``do_engine_steps()`` per ready user task;
  (b) the same plus a JSON round trip after every task (``engine.serialization``'s
      ``dump_state``/``load_state``: SpiffWorkflow's serializer with the spec left out);
  (c) the engine's service layer on a fresh migrated database, one ``engine.tasks.complete``
      (one transaction, one commit) per task; with the default workflow cache and with it off.
(a) and (b) run with the engine's sandboxed script engine and with plain ``PythonScriptEngine``,
so the sandbox's cost is visible. Then a long case: a three-task loop that already has 2,000
completed tasks, one completion in it ÷ one in a fresh instance of the same loop (interleaved,
medians; target ≤ 2: the pruned task tree keeps a long case as cheap as a new one). Then, with 100,000 instances in the database, a real gunicorn
server and one keep-alive client: completions/s and p50/p95 latency of one completion request.
All figures come from the same run; a missed target is reported, not an error (exit code 0).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and bench/http.py would shadow the standard
# library's `http` (imported by urllib, which the XML builder imports): put the repository there.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from bench import _engine_http  # noqa: E402
from bench._engine_db import fresh_database, open_engine, postgres_reachable, ready_rows, seed  # noqa: E402
from bench._engine_long import long_case_ratio  # noqa: E402
from tests.support.bpmn_builder import gateway_process, linear_process  # noqa: E402
from tests.support.loops import three_task_loop  # noqa: E402

TARGET_RATIO = {"sqlite": 0.5, "postgresql": 0.25}  # of mode (b), sandboxed script engine
TARGET_LONG_RATIO = 2.0  # a completion at 2,000 completed tasks ÷ one in a fresh instance
LONG_DONE = 2000
LONG_PROCESS = "bench_loop"
TARGET_HTTP_PER_SECOND = 165.0
TARGET_HTTP_P95_MS = 20.0
HTTP_PROCESS = "bench_linear"


def say(line: str = "") -> None:
    print(line, flush=True)


# --- the workloads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Workload:
    name: str
    process_id: str
    xml: str
    tasks_per_instance: int

    def data(self, instance_index: int, element_id: str) -> dict:
        """Only the gateway's first task carries data: alternate the branch so both run."""
        if element_id == "review":
            return {"decision": "approve" if instance_index % 2 == 0 else "reject"}
        return {}


WORKLOADS = (
    Workload("linear, 10 user tasks", "bench_linear", linear_process("bench_linear", tasks=10), 10),
    Workload("gateway (XOR + AND), 5 user tasks", "bench_gateway", gateway_process("bench_gateway"), 5),
)
BPMN_FILES = {f"{w.process_id}.bpmn": w.xml for w in WORKLOADS} | {f"{LONG_PROCESS}.bpmn": three_task_loop(LONG_PROCESS)}


@dataclass
class Rate:
    """Completions per second of one mode (median of the repeats), with its start rate."""
    completions_per_s: float
    starts_per_s: float
    runs: list[float] = field(default_factory=list)


# --- (a) and (b): in-memory SpiffWorkflow ------------------------------------------------------


def parsed_spec(workload: Workload):
    """Parsed by the engine's own bundle parser, so the baselines run the very spec the engine runs."""
    from engine.bundle import parse_bundle

    bundle = parse_bundle([(f"{workload.process_id}.bpmn", workload.xml.encode())])
    process = next(p for p in bundle.processes if p.process_id == workload.process_id)
    return process.spec, process.subprocess_specs


def in_memory_run(workload: Workload, spec, subprocess_specs, n: int, script_engine, round_trip: bool) -> tuple[float, float]:
    """One run: (completions/s, starts/s). Starts are timed apart, like the engine's."""
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    from engine.serialization import dump_state, load_state

    t0 = time.perf_counter()
    workflows = []
    for _ in range(n):
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
        workflow.do_engine_steps()
        workflows.append(workflow)
    start_seconds = time.perf_counter() - t0

    completions = 0
    t0 = time.perf_counter()
    for index, workflow in enumerate(workflows):
        while ready := workflow.get_tasks(state=TaskState.READY, manual=True):
            task = ready[0]
            data = workload.data(index, task.task_spec.bpmn_id)
            if data:
                task.set_data(**data)
            task.run()
            workflow.do_engine_steps()
            completions += 1
            if round_trip:
                workflow = load_state(dump_state(workflow), spec, subprocess_specs)
                workflow.script_engine = script_engine  # not serialized: re-attached, as the engine does
        if not workflow.completed:
            raise RuntimeError(f"{workload.name}: an in-memory instance did not complete")
    seconds = time.perf_counter() - t0
    if completions != n * workload.tasks_per_instance:
        raise RuntimeError(f"{workload.name}: {completions} completions, expected {n * workload.tasks_per_instance}")
    return completions / seconds, n / start_seconds


def in_memory_rate(workload: Workload, n: int, script_engine, round_trip: bool, repeats: int) -> Rate:
    spec, subprocess_specs = parsed_spec(workload)
    in_memory_run(workload, spec, subprocess_specs, min(n, 20), script_engine, round_trip)  # warm-up
    runs = [in_memory_run(workload, spec, subprocess_specs, n, script_engine, round_trip) for _ in range(repeats)]
    return Rate(statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), [r[0] for r in runs])


# --- (c): the service layer on a database ------------------------------------------------------


def engine_rate(handle, workload: Workload, n: int) -> Rate:
    """Start n instances, then complete their tasks round by round; only `complete` is timed."""
    engine, clerk = handle.engine, handle.clerk
    t0 = time.perf_counter()
    ids = [engine.instances.start(clerk, workload.process_id).id for _ in range(n)]
    start_seconds = time.perf_counter() - t0
    index = {instance_id: i for i, instance_id in enumerate(ids)}

    completions, seconds = 0, 0.0
    while batch := ready_rows(handle.session, ids):
        t0 = time.perf_counter()
        for task_id, instance_id, element_id in batch:
            engine.tasks.complete(clerk, task_id, workload.data(index[instance_id], element_id))
        seconds += time.perf_counter() - t0
        completions += len(batch)
    _check_completed(handle.session, ids, workload, completions)
    return Rate(completions / seconds, n / start_seconds, [completions / seconds])


def _check_completed(session, ids: list[str], workload: Workload, completions: int) -> None:
    from sqlalchemy import func, select

    from engine.models import InstanceStatus, ProcessInstance

    done = session.scalar(
        select(func.count()).where(ProcessInstance.id.in_(ids), ProcessInstance.status == InstanceStatus.COMPLETED)
    )
    session.commit()
    if done != len(ids) or completions != len(ids) * workload.tasks_per_instance:
        raise RuntimeError(f"{workload.name}: {done} of {len(ids)} instances completed after {completions} completions")


def service_layer_rates(kind: str, workdir: Path, sandbox, n: int, engines: dict) -> dict:
    """Per workload: the default engine (workflow cache on) and one that reloads every time.

    The in-memory baselines are measured again right before and right after each engine
    measurement, and the ratios use their mean: on a machine shared with other work the CPU
    available drifts within minutes, and a baseline taken next to the measurement drifts with it.
    """
    rates = {}
    for cache_label, cache_size in (("cache on", 2000), ("cache off", 0)):
        with fresh_database(kind, workdir) as database:
            handle = seed(open_engine(database, sandbox, workflow_cache_size=cache_size), BPMN_FILES)
            try:
                for workload in WORKLOADS:
                    before = baseline_rates(workload, n, engines, repeats=1)
                    rate = engine_rate(handle, workload, n)
                    after = baseline_rates(workload, n, engines, repeats=1)
                    adjacent = {mode: (before[mode] + after[mode]) / 2 for mode in BASELINE_MODES}
                    rates[(workload.name, cache_label)] = (rate, adjacent)
            finally:
                handle.close()
    return rates


# --- a long case against a fresh one -----------------------------------------------------------


def long_case_table(kind: str, figures: tuple[float, float, float, float], outcomes: list[Outcome]) -> None:
    long_ms, fresh_ms, ratio, size_ratio = figures
    say(f"completion at {LONG_DONE:,} completed tasks: median {long_ms:.2f} ms; in a fresh instance: {fresh_ms:.2f} ms; "
        f"ratio {ratio:.3f}; stored state {size_ratio:.2f} × a fresh instance's")
    outcomes.append(Outcome(f"{kind}: completion at {LONG_DONE:,} completed tasks ÷ fresh", f"{ratio:.3f}",
                            f"≤ {TARGET_LONG_RATIO:.0f}", ratio <= TARGET_LONG_RATIO))


# --- output ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    label: str
    value: str
    target: str
    met: bool


def baseline_table(baselines: dict) -> None:
    say(f"{'process':<36} {'mode':<48} {'completions/s':>14} {'starts/s':>10}")
    for (workload, mode), rate in baselines.items():
        say(f"{workload:<36} {mode:<48} {rate.completions_per_s:>14.1f} {rate.starts_per_s:>10.1f}")


def engine_table(kind: str, rates: dict, outcomes: list[Outcome]) -> None:
    say("ratios: engine completions/s ÷ the in-memory mode measured right before and after it (mean)")
    say(f"{'process':<36} {'engine mode':<12} {'completions/s':>14} {'starts/s':>10} {'(a) sbx /s':>11} {'(b) sbx /s':>11} "
        f"{'÷(a) sbx':>9} {'÷(b) sbx':>9} {'÷(a) plain':>11} {'÷(b) plain':>11}")
    for (workload, cache), (rate, adjacent) in rates.items():
        ratios = [rate.completions_per_s / adjacent[mode] for mode in BASELINE_MODES]
        say(f"{workload:<36} {cache:<12} {rate.completions_per_s:>14.1f} {rate.starts_per_s:>10.1f} "
            f"{adjacent[BASELINE_MODES[0]]:>11.1f} {adjacent[BASELINE_MODES[1]]:>11.1f} "
            f"{ratios[0]:>9.4f} {ratios[1]:>9.4f} {ratios[2]:>11.4f} {ratios[3]:>11.4f}")
        if cache == "cache on":
            target = TARGET_RATIO[kind]
            outcomes.append(Outcome(f"{kind}: {workload}, engine ÷ (b) JSON round trip (sandboxed)",
                                    f"{ratios[1]:.4f}", f"≥ {target}", ratios[1] >= target))


def http_table(result: _engine_http.HttpResult, outcomes: list[Outcome]) -> None:
    say(f"instances in the database: {result.instances_in_db:,} (bulk fill took {result.fill_seconds:.1f} s)")
    say(f"timed completions: {result.completions} in {result.seconds:.3f} s = {result.per_second:.1f} completions/s")
    say(f"{'latency (ms)':<40} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8}")
    for which, values in (("all", result.latencies_ms), ("cold (first of an instance: DB load)", result.cold_ms),
                          ("warm (workflow cached)", result.warm_ms)):
        say(f"{which:<40} {len(values):>5} {result.p(0.5, which.split()[0]):>8.2f} "
            f"{result.p(0.95, which.split()[0]):>8.2f} {max(values, default=float('nan')):>8.2f}")
    outcomes.append(Outcome(f"{result.kind}: HTTP completions/s, one client", f"{result.per_second:.1f}",
                            f"≥ {TARGET_HTTP_PER_SECOND:.0f}", result.per_second >= TARGET_HTTP_PER_SECOND))
    p95 = result.p(0.95)
    outcomes.append(Outcome(f"{result.kind}: HTTP p95 of one completion (p50 {result.p(0.5):.2f} ms)",
                            f"{p95:.2f} ms", f"≤ {TARGET_HTTP_P95_MS:.0f} ms", p95 <= TARGET_HTTP_P95_MS))


def summary(outcomes: list[Outcome], skipped: list[str]) -> None:
    say("\n=== summary ===")
    for o in outcomes:
        say(f"{'MET   ' if o.met else 'MISSED'}  {o.label}: {o.value} (target {o.target})")
    for line in skipped:
        say(f"SKIPPED {line}")


# --- main --------------------------------------------------------------------------------------

BASELINE_MODES = (
    "(a) in memory, sandboxed script engine",
    "(b) + JSON round trip, sandboxed script engine",
    "(a) in memory, plain PythonScriptEngine",
    "(b) + JSON round trip, plain PythonScriptEngine",
)


def script_engines(sandbox) -> dict:
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

    from engine.script_engine import SandboxedScriptEngine

    return {"sandboxed": SandboxedScriptEngine(sandbox), "plain": PythonScriptEngine()}


def baseline_rates(workload: Workload, n: int, engines: dict, repeats: int) -> dict[str, float]:
    """Completions/s of the four in-memory modes for one workload."""
    return {
        mode: in_memory_rate(workload, n, engines["plain" if "plain" in mode else "sandboxed"], "(b)" in mode, repeats).completions_per_s
        for mode in BASELINE_MODES
    }


def measure_baselines(n: int, repeats: int, engines: dict) -> dict:
    baselines = {}
    for workload in WORKLOADS:
        for mode in BASELINE_MODES:
            script_engine = engines["plain" if "plain" in mode else "sandboxed"]
            baselines[(workload.name, mode)] = in_memory_rate(workload, n, script_engine, "(b)" in mode, repeats)
    return baselines


def load_line() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer instances; 5,000 in the HTTP database")
    parser.add_argument("--instances", type=int, help="instances per service-layer and in-memory measurement (default 200, --quick 40)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--http-instances", type=int, help="instances in the HTTP database (default 100,000, --quick 5,000)")
    parser.add_argument("--http-measured", type=int, help="instances completed over HTTP (default 50, --quick 10)")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--skip-long", action="store_true", help="skip the long case (2,000 completed tasks)")
    parser.add_argument("--long-measured", type=int, default=60, help="completions timed in the long case and in fresh ones")
    args = parser.parse_args(argv)
    args.instances = args.instances or (40 if args.quick else 200)
    args.http_instances = args.http_instances or (5000 if args.quick else 100_000)
    args.http_measured = args.http_measured or (10 if args.quick else 50)
    args.repeats = 1 if args.quick else 3
    if min(args.instances, args.http_measured) < 1 or args.http_instances < args.http_measured + 3:
        parser.error("--instances and --http-measured must be ≥ 1, --http-instances larger than --http-measured + 2")
    return args


def databases(choice: str, skipped: list[str]) -> list[str]:
    kinds = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if "postgresql" in kinds:
        why = postgres_reachable()
        if why is not None:
            from bench._engine_db import PG_ADMIN_URL

            line = f"PostgreSQL: server at {PG_ADMIN_URL} unreachable ({why}); its measurements are skipped"
            say(line)
            skipped.append(line)
            kinds.remove("postgresql")
    return kinds


def run_database(kind: str, args, workdir: Path, sandbox, engines: dict, outcomes: list[Outcome]) -> None:
    say(f"\n=== {kind}: service layer, {args.instances} instances per process, one commit per completion ===")
    say(load_line())
    rates = service_layer_rates(kind, workdir, sandbox, args.instances, engines)
    engine_table(kind, rates, outcomes)
    if not args.skip_long:
        say(f"\n=== {kind}: a long case, {LONG_DONE:,} completed tasks of a three-task loop, against fresh instances ===")
        say(load_line())
        long_case_table(kind, long_case_ratio(kind, workdir, sandbox, args.long_measured, BPMN_FILES, LONG_PROCESS, LONG_DONE), outcomes)
    if args.skip_http:
        return
    say(f"\n=== {kind}: HTTP, gunicorn 1 worker × 4 threads, one keep-alive client, {HTTP_PROCESS} ===")
    say(load_line())
    with fresh_database(kind, workdir) as database:
        result = _engine_http.run(database, sandbox, workdir, BPMN_FILES, HTTP_PROCESS, args.http_instances,
                                  args.http_measured, warmup=2, say=say)
    http_table(result, outcomes)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from engine.sandbox import Sandbox

    skipped: list[str] = []
    kinds = databases(args.db, skipped)
    outcomes: list[Outcome] = []
    # A SIGTERM must still run the `finally` blocks: stop gunicorn, drop the PostgreSQL databases.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sandbox = Sandbox()
    try:
        with tempfile.TemporaryDirectory(prefix="lieta-bench-") as tmp:
            engines = script_engines(sandbox)
            say(f"=== in-memory SpiffWorkflow, {args.instances} instances, median of {args.repeats} ===")
            say(load_line())
            baseline_table(measure_baselines(args.instances, args.repeats, engines))
            for kind in kinds:
                run_database(kind, args, Path(tmp), sandbox, engines, outcomes)
    finally:
        sandbox.close()
    summary(outcomes, skipped)
    say(load_line() + " at the end; figures are noisier when the load exceeds the CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
