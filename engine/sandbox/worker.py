"""The evaluator process: runs one expression or script at a time under hard OS limits.

Started by `engine.sandbox.pool` as `python -m engine.sandbox.worker --memory-mb N`, never forked
from the web server. After start-up it cannot import, open files, create sockets or processes
(an audit hook refuses those events and RLIMIT_NOFILE/FSIZE/NPROC leave no room for them), its
address space is capped (RLIMIT_AS), and each evaluation gets a CPU budget enforced by the
kernel (ITIMER_PROF, with RLIMIT_CPU behind it) whose default action kills the process; the
parent then reports the timeout and starts a fresh worker.
"""

from __future__ import annotations

import _strptime  # noqa: F401  (datetime.strptime imports it lazily; imports are refused later)
import argparse
import decimal
import math
import os
import resource
import signal
import sys
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from types import CodeType
from typing import Any

from engine import deadlines
from engine.sandbox import codec
from engine.sandbox.namespace import FrozenNamespace, make_globals
from engine.sandbox.policy import check

SCRIPT_FILENAME = "<script>"
MAX_REQUEST_BYTES = 64 * 1024 * 1024

# Refused unconditionally once the worker is armed. The hook keeps these in default arguments:
# rebinding module globals does not reach them, and replacing `__defaults__` or `__code__` is
# itself an audited event ("object.__setattr__") that the hook refuses.
_HARD_PREFIXES = (
    "os.", "subprocess.", "socket.", "ctypes.", "shutil.", "pty.", "webbrowser.", "urllib.",
    "http.", "ftplib.", "smtplib.", "sqlite3.", "tempfile.", "glob.", "fcntl.", "mmap.",
    "msvcrt.", "winreg.", "_winapi.", "syslog.", "gc.", "marshal.", "pickle.", "cpython.",
    "sys.", "code.", "function.", "array.", "builtins.", "ssl.", "select.", "imaplib.",
    "poplib.", "nntplib.", "telnetlib.", "shelve.", "dbm.", "zipimport.", "pdb.",
)
_HARD_EVENTS = frozenset(
    {"open", "import", "object.__setattr__", "object.__delattr__", "setopencode", "time.sleep"}
)
# Needed by the worker itself between evaluations; allowed only inside `GUARD.trusted()`.
_SOFT_EVENTS = frozenset({"compile", "exec", "object.__getattr__"})
_SOFT_PREFIXES = ("resource.", "signal.")


def _hard_hook(event: str, args: tuple, _events: frozenset = _HARD_EVENTS,
               _prefixes: tuple = _HARD_PREFIXES) -> None:
    if event in _events or event.startswith(_prefixes):
        raise PermissionError(f"'{event}' is not allowed in process scripts")


class _Guard:
    """Audit hook for the events the worker needs itself (compile, exec, frames, rlimits).

    `exec` is let through exactly once per evaluation (a token the hook consumes), because the
    event fires before the user's code starts; the rest pass only inside `trusted()`. This state
    is ordinary Python, so it is a second line only: the first is the policy, and what would
    let code out of the process (files, imports, processes, sockets) is in `_hard_hook`.
    """

    def __init__(self) -> None:
        self.armed = False
        self.trusted_depth = 0
        self.exec_tokens = 0

    def hook(self, event: str, args: tuple) -> None:
        if not self.armed or self.trusted_depth:
            return
        if event == "exec" and self.exec_tokens:
            self.exec_tokens -= 1
            return
        if event in _SOFT_EVENTS or event.startswith(_SOFT_PREFIXES):
            raise PermissionError(f"'{event}' is not allowed in process scripts")

    def trusted(self) -> _Trusted:
        return _Trusted(self)


class _Trusted:
    def __init__(self, guard: _Guard) -> None:
        self.guard = guard

    def __enter__(self) -> None:
        self.guard.trusted_depth += 1

    def __exit__(self, *exc: object) -> None:
        self.guard.trusted_depth -= 1


GUARD = _Guard()


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _set_cpu_budget(seconds: float) -> None:
    # ITIMER_PROF is precise per evaluation; RLIMIT_CPU (whole seconds, cumulative) is the
    # kernel's backstop should the timer signal ever be ignored.
    soft = math.ceil(_cpu_used() + seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
    signal.setitimer(signal.ITIMER_PROF, seconds)


def _clear_cpu_budget() -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)


def _script_line(exc: BaseException) -> int | None:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "RecursionError: functions call themselves too deeply"
    detail = str(exc)
    return f"{type(exc).__name__}: {_short(detail)}" if detail else type(exc).__name__


def _keepable(name: str, value: Any, scope_helpers: dict[str, Any]) -> bool:
    # Like SpiffWorkflow, a script's functions, imported helpers and classes are not task data.
    if name == "__builtins__" or (name in scope_helpers and scope_helpers[name] is value):
        return False
    return not (callable(value) or isinstance(value, FrozenNamespace))


@lru_cache(maxsize=1024)
def _prepare(source: str, mode: str) -> tuple[tuple, CodeType | None]:
    # The policy runs here again (not only in the parent): the worker trusts no one's check.
    tree, problems = check(source, mode)
    if problems or tree is None:
        return tuple(problems), None
    return (), compile(tree, SCRIPT_FILENAME, mode)


def evaluate(request: dict) -> dict:
    mode = "eval" if request["mode"] == "eval" else "exec"
    with GUARD.trusted():
        problems, code = _prepare(request["source"], mode)
    if code is None:
        return {"ok": False, "kind": "violation", "line": problems[0].line,
                "message": "; ".join(str(p) for p in problems)}
    now = datetime.fromisoformat(request["now"])
    external = request.get("external") or {}
    scope = make_globals(request["data"], now, external)
    before = {k: v for k, v in scope.items() if k not in request["data"]}
    decimal.setcontext(decimal.Context())
    try:
        with GUARD.trusted():
            _set_cpu_budget(request["cpu"])
        GUARD.exec_tokens = 1
        try:
            result = eval(code, scope) if mode == "eval" else exec(code, scope)  # noqa: S102
        finally:
            GUARD.exec_tokens = 0
            with GUARD.trusted():
                _clear_cpu_budget()
    except MemoryError:
        return {"ok": False, "kind": "memory", "retire": True, "line": None,
                "message": "the code tried to use more memory than allowed"}
    except ImportError as exc:
        with GUARD.trusted():
            line = _script_line(exc)
        return {"ok": False, "kind": "violation", "line": line, "message": _short(str(exc))}
    except PermissionError as exc:
        with GUARD.trusted():
            line = _script_line(exc)
        return {"ok": False, "kind": "violation", "line": line, "retire": True,
                "message": _short(str(exc))}
    except BaseException as exc:  # noqa: BLE001  (reported to the parent as a ScriptError)
        with GUARD.trusted():
            line = _script_line(exc)
        return {"ok": False, "kind": "script", "line": line, "message": _describe(exc)}
    try:
        if mode == "eval":
            return {"ok": True, "value": codec.encode(result, "the result")}
        kept = {k: v for k, v in scope.items()
                if k not in external or k in request["data"]}
        kept = {k: v for k, v in kept.items() if _keepable(k, v, before)}
        return {"ok": True, "data": {k: codec.encode(v, f"variable {k!r}") for k, v in kept.items()}}
    except codec.UnsupportedValue as exc:
        return {"ok": False, "kind": "violation", "line": None, "message": str(exc)}
    except RecursionError:
        return {"ok": False, "kind": "script", "line": None,
                "message": "the result is nested too deeply to be kept in process data"}


def _cap_descriptors() -> None:
    # RLIMIT_NOFILE only refuses descriptor numbers at or above the limit, so plug the holes
    # below the highest open descriptor first; then no new file, socket or pipe can be made.
    open_fds = []
    for fd in range(1024):
        try:
            os.fstat(fd)
        except OSError:
            continue
        open_fds.append(fd)
    highest = max(open_fds)
    filler = os.open(os.devnull, os.O_RDONLY)
    for fd in range(highest):
        if fd not in open_fds and fd != filler:
            os.dup2(filler, fd)
    highest = max(highest, filler)
    resource.setrlimit(resource.RLIMIT_NOFILE, (highest + 1, highest + 1))


def _lock_down(memory_mb: int) -> None:
    os.chdir("/")
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    _cap_descriptors()
    for signum in (signal.SIGPROF, signal.SIGXCPU):
        signal.signal(signum, signal.SIG_DFL)
    sys.setrecursionlimit(200)


def _warm_up() -> None:
    # Everything that would import or open a file lazily must happen before the guard is armed.
    now = datetime.now(UTC)
    for year in range(now.year - 1, now.year + 6):
        deadlines.is_working_day(datetime(year, 6, 1).date())
    deadlines.working_days_deadline(now, 3)
    datetime.strptime("2026-01-02", "%Y-%m-%d")
    codec.loads(codec.dumps(codec.encode({"a": (now, now.date(), timedelta(1), decimal.Decimal(1))})))
    evaluate({"mode": "exec", "source": "x = sorted([3, 1])\ny = f'{x[0]:>3}'", "data": {},
              "now": now.isoformat(), "cpu": 5.0})


def arm() -> None:
    """From here on the process cannot open, import, spawn or connect; there is no way back."""
    sys.addaudithook(GUARD.hook)
    GUARD.armed = True
    sys.addaudithook(_hard_hook)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory-mb", type=int, default=256)
    args = parser.parse_args()
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)
    os.close(devnull)
    _warm_up()
    _lock_down(args.memory_mb)
    arm()
    codec.write_frame(replies, codec.dumps({"ready": True, "pid": os.getpid()}))
    while True:
        try:
            header = codec.read_exactly(requests, codec.HEADER.size)
        except EOFError:
            return
        (size,) = codec.HEADER.unpack(header)
        if size > MAX_REQUEST_BYTES:
            return
        try:
            request = codec.loads(codec.read_exactly(requests, size))
        except (ValueError, TypeError, RecursionError) as exc:
            request = None
            reply = {"ok": False, "kind": "script", "line": None,
                     "message": f"the task data cannot be read: {type(exc).__name__}"}
        if request is not None:
            reply = evaluate(request)
        try:
            payload = codec.dumps(reply)
        except (ValueError, RecursionError, MemoryError) as exc:
            payload = codec.dumps({"ok": False, "kind": "script", "line": None,
                                   "message": f"the result cannot be sent back: {type(exc).__name__}"})
        codec.write_frame(replies, payload)
        if reply.get("retire"):
            return


if __name__ == "__main__":
    main()
