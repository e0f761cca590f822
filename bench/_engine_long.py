"""bench/engine.py's long case: a completion in an instance that has already run `done` tasks
of a loop, against the first completion of fresh instances of the same process."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from bench._engine_db import fresh_database, open_engine, ready_rows, seed


def _complete_next(handle, instance_id: str, rounds: dict) -> float:
    """Complete the instance's ready task (c counts the round); seconds the completion took."""
    (task_id, _instance, element_id), = ready_rows(handle.session, [instance_id])
    data = {}
    if element_id == "c":
        rounds[instance_id] = rounds.get(instance_id, 0) + 1
        data = {"rounds": rounds[instance_id]}
    t0 = time.perf_counter()
    handle.engine.tasks.complete(handle.clerk, task_id, data)
    return time.perf_counter() - t0


def long_case_ratio(kind: str, workdir: Path, sandbox, measured: int, files: dict[str, str], process_id: str,
                    done: int) -> tuple[float, float, float, float]:
    """(median ms at `done` completed tasks of `process_id`, median ms fresh, ratio, stored state bytes ÷ fresh).

    The long instance's completions and fresh instances' first completions alternate, so a
    change in the CPU the machine leaves us hits both alike."""
    from engine.models import ProcessInstance

    with fresh_database(kind, workdir) as database:
        handle = seed(open_engine(database, sandbox), files)
        try:
            engine, clerk, rounds = handle.engine, handle.clerk, {}
            start = {"rounds": 0, "limit": 10**6}
            long_id = engine.instances.start(clerk, process_id, data=start).id
            for _ in range(done):
                _complete_next(handle, long_id, rounds)
            fresh_ids = [engine.instances.start(clerk, process_id, data=start).id for _ in range(measured)]
            long_s, fresh_s = [], []
            for fresh_id in fresh_ids:
                fresh_s.append(_complete_next(handle, fresh_id, rounds))
                long_s.append(_complete_next(handle, long_id, rounds))
            sizes = {i: len(handle.session.get(ProcessInstance, i).state) for i in (long_id, fresh_ids[0])}
            handle.session.commit()
        finally:
            handle.close()
    long_ms, fresh_ms = statistics.median(long_s) * 1000, statistics.median(fresh_s) * 1000
    return long_ms, fresh_ms, long_ms / fresh_ms, sizes[long_id] / sizes[fresh_ids[0]]
