"""A bounded pool of evaluator processes shared by the web server's threads.

Workers are separate interpreters started with `subprocess` (never forked from the threaded
server), so their resource limits are their own. A thread borrows an idle worker, or starts one
while the pool is below its size, or waits. A worker that overruns, dies or misbehaves is killed,
reaped and forgotten; the next request starts a fresh one.
"""

from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from engine.errors import SandboxError, SandboxMemoryError, SandboxTimeout
from engine.sandbox import codec
from engine.sandbox.settings import SandboxSettings

_REPO_ROOT = str(Path(__file__).resolve().parents[2])
_LIVE_POOLS: weakref.WeakSet[WorkerPool] = weakref.WeakSet()


class _WorkerGone(Exception):
    """Internal: the worker cannot be used any more; `error` is what the caller should see."""

    def __init__(self, error: SandboxError) -> None:
        super().__init__(error.message)
        self.error = error


class _Worker:
    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self.proc = subprocess.Popen(
            [sys.executable, "-s", "-B", "-m", "engine.sandbox.worker",
             "--memory-mb", str(settings.memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd="/", env={"PYTHONPATH": _REPO_ROOT, "PYTHONSAFEPATH": "1", "LC_ALL": "C.UTF-8"},
            close_fds=True, start_new_session=True,
        )
        self.fd = self.proc.stdout.fileno()
        self.buffer = b""
        self.killed_for_time = False
        hello = self._read_frame(time.monotonic() + settings.start_timeout_seconds, 4096)
        if not codec.loads(hello).get("ready"):
            raise _WorkerGone(SandboxError("the evaluator process did not start"))

    def call(self, request: bytes) -> dict[str, Any]:
        try:
            codec.write_frame(self.proc.stdin, request)
        except (BrokenPipeError, OSError) as exc:
            raise self._gone() from exc
        deadline = time.monotonic() + self.settings.cpu_seconds + self.settings.wall_margin_seconds
        raw = self._read_frame(deadline, self.settings.max_result_bytes + 4096)
        try:
            reply = codec.loads(raw)
        except (ValueError, TypeError, RecursionError) as exc:
            raise _WorkerGone(SandboxError(f"the evaluator sent an unreadable result ({exc})")) from exc
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            raise _WorkerGone(SandboxError("the evaluator sent a malformed reply"))
        return reply

    def _read_frame(self, deadline: float, limit: int) -> bytes:
        header = self._read(codec.HEADER.size, deadline)
        (size,) = codec.HEADER.unpack(header)
        if size > limit:
            self.kill()
            raise _WorkerGone(SandboxError(
                f"the result is larger than the allowed {self.settings.max_result_bytes} bytes"))
        return self._read(size, deadline)

    def _read(self, size: int, deadline: float) -> bytes:
        poller = select.poll()
        poller.register(self.fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        while len(self.buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(remaining * 1000):
                self.killed_for_time = True
                raise self._gone()
            chunk = os.read(self.fd, max(size - len(self.buffer), 65536))
            if not chunk:
                raise self._gone()
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _gone(self) -> _WorkerGone:
        self.kill()
        code = self.proc.returncode
        budget = f"{self.settings.cpu_seconds:g} s"
        if self.killed_for_time or code in (-signal.SIGPROF, -signal.SIGXCPU):
            return _WorkerGone(SandboxTimeout(f"the code ran longer than its time budget ({budget})"))
        if code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV):
            return _WorkerGone(SandboxMemoryError(
                f"the evaluator stopped (signal {-code}), most likely out of memory "
                f"(limit {self.settings.memory_mb} MiB)"))
        return _WorkerGone(SandboxError(f"the evaluator process stopped unexpectedly ({code})"))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def stop(self) -> None:
        # Closing stdin is the polite "exit"; kill() is the fallback.
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()


class WorkerPool:
    def __init__(self, settings: SandboxSettings) -> None:
        self.settings = settings
        self._idle: list[_Worker] = []
        self._live = 0
        self._closed = False
        self._cond = threading.Condition()
        _LIVE_POOLS.add(self)

    def call(self, request: bytes) -> dict[str, Any]:
        """Send one encoded request to a worker; raises a `SandboxError` if the worker fails."""
        worker = self._acquire()
        healthy = False
        try:
            reply = worker.call(request)
            healthy = not reply.get("retire")
            return reply
        except _WorkerGone as gone:
            raise gone.error from None
        finally:
            self._release(worker, healthy)

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise SandboxError("the sandbox has been shut down")
                if self._idle:
                    return self._idle.pop()
                if self._live < self.settings.workers:
                    self._live += 1
                    break
                self._cond.wait()
        try:
            return _Worker(self.settings)
        except (_WorkerGone, OSError, ValueError) as exc:
            with self._cond:
                self._live -= 1
                self._cond.notify()
            error = exc.error if isinstance(exc, _WorkerGone) else SandboxError(
                f"the evaluator process could not be started ({exc})")
            raise error from exc

    def _release(self, worker: _Worker, healthy: bool) -> None:
        with self._cond:
            if healthy and not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
            self._live -= 1
            self._cond.notify()
        worker.kill()

    def close(self) -> None:
        """Stop idle workers now; busy ones are stopped when their evaluation returns."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._live -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.stop()

    @property
    def worker_pids(self) -> list[int]:
        with self._cond:
            return [worker.proc.pid for worker in self._idle]


@atexit.register
def _close_all_pools() -> None:
    for pool in list(_LIVE_POOLS):
        pool.close()
