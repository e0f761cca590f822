"""The sandbox facade: check, then evaluate in-process (bounded expressions) or in a worker."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from functools import lru_cache
from types import CodeType
from typing import Any, Self

from engine.clock import Clock, SystemClock
from engine.errors import (
    SandboxError,
    SandboxMemoryError,
    SandboxTimeout,
    SandboxViolation,
    ScriptError,
)
from engine.sandbox import codec
from engine.sandbox.fast_path import data_is_safe, is_bounded, names_read
from engine.sandbox.namespace import SAFE_BUILTINS
from engine.sandbox.policy import Problem, check
from engine.sandbox.pool import WorkerPool
from engine.sandbox.settings import SandboxSettings

_FAST_GLOBALS = {"__builtins__": {k: v for k, v in SAFE_BUILTINS.items() if k != "__import__"}}
_SCALARS = frozenset({bool, int, float, str, type(None)})
_ERRORS: dict[str, type[SandboxError]] = {
    "violation": SandboxViolation,
    "script": ScriptError,
    "memory": SandboxMemoryError,
    "timeout": SandboxTimeout,
}


@lru_cache(maxsize=4096)
def _analyse(source: str, mode: str) -> tuple[tuple[Problem, ...], CodeType | None, frozenset[str]]:
    """Problems, compiled code when the expression may take the in-process fast path, and the
    names that code reads (their values decide at run time whether the fast path is safe)."""
    tree, problems = check(source, mode)
    if problems or tree is None:
        return tuple(problems), None, frozenset()
    if mode == "eval" and is_bounded(tree):
        return (), compile(tree, "<expression>", "eval"), names_read(tree)
    return (), None, frozenset()


def _refuse(problems: tuple[Problem, ...]) -> SandboxViolation:
    # A single finding keeps its line in `line` (EngineError prints it); several name theirs.
    if len(problems) == 1:
        return SandboxViolation(problems[0].message, line=problems[0].line)
    return SandboxViolation("; ".join(str(p) for p in problems), line=problems[0].line)


class Sandbox:
    """Evaluates untrusted expressions and scripts; thread-safe, one per engine.

    Errors raised are `SandboxViolation` (forbidden construct or operation), `SandboxTimeout`,
    `SandboxMemoryError` and `ScriptError` (the code itself raised), each with `line` where known.
    """

    def __init__(self, settings: SandboxSettings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or SandboxSettings()
        self.clock = clock or SystemClock()
        self._pool = WorkerPool(self.settings)

    def evaluate(self, expression: str, data: Mapping[str, Any],
                 external: Mapping[str, Any] | None = None) -> Any:
        """The value of a single expression over task data (plus e.g. DMN's external context)."""
        problems, fast, names = _analyse(expression, "eval")
        if problems:
            raise _refuse(problems)
        if fast is not None and self.settings.fast_path and data_is_safe(names, data, external or {}):
            return self._evaluate_in_process(fast, data, external)
        reply = self._call("eval", expression, data, external)
        return reply["value"]

    def execute(self, script: str, data: Mapping[str, Any],
                external: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The task data after running the script (variables it deleted are gone)."""
        problems, _, _ = _analyse(script, "exec")
        if problems:
            raise _refuse(problems)
        reply = self._call("exec", script, data, external)
        return reply["data"]

    def close(self) -> None:
        """Stop the worker processes; later evaluations raise `SandboxError`."""
        self._pool.close()

    shutdown = close

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the idle workers (for tests and health checks)."""
        return self._pool.worker_pids

    def _evaluate_in_process(self, code: CodeType, data: Mapping[str, Any],
                             external: Mapping[str, Any] | None) -> Any:
        scope = ChainMap(data, external or {})  # read-only: bounded expressions cannot store
        try:
            result = eval(code, _FAST_GLOBALS, scope)
        except MemoryError as exc:
            raise SandboxMemoryError("the expression needs more memory than allowed", line=1) from exc
        except Exception as exc:
            raise ScriptError(f"{type(exc).__name__}: {exc}", line=1) from exc
        if type(result) not in _SCALARS or type(result) in (str, int):
            # Same rules as for worker results: no more than the size cap, checked before the
            # result is expanded, and only data leaves the sandbox, never a function.
            if codec.exceeds(result, self.settings.max_result_bytes):
                raise SandboxError(f"the result is larger than the allowed {self.settings.max_result_bytes} bytes")
            try:
                codec.encode(result, "the result")
            except codec.UnsupportedValue as exc:
                raise SandboxViolation(str(exc), line=1) from None
            except RecursionError as exc:
                raise ScriptError("the result is nested too deeply", line=1) from exc
        return result

    def _call(self, mode: str, source: str, data: Mapping[str, Any],
              external: Mapping[str, Any] | None) -> dict[str, Any]:
        try:
            request = codec.dumps({
                "mode": mode,
                "source": source,
                "data": codec.encode(dict(data), "task data"),
                "external": codec.encode(dict(external or {}), "context"),
                "now": self.clock.now().isoformat(),
                "cpu": self.settings.cpu_seconds,
            })
        except codec.UnsupportedValue as exc:
            raise SandboxError(str(exc)) from exc
        except RecursionError as exc:
            raise SandboxError("the task data is nested too deeply") from exc
        except ValueError as exc:  # e.g. an integer with more digits than Python converts to text
            raise SandboxError(f"the task data cannot be sent to the evaluator: {exc}") from exc
        reply = self._pool.call(request)
        if reply["ok"]:
            return reply
        error = _ERRORS.get(reply.get("kind"), SandboxError)
        line = reply.get("line")
        raise error(str(reply.get("message") or "the evaluation failed"),
                    line=line if isinstance(line, int) else None)
