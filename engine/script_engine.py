"""SpiffWorkflow's script engine, routed through the sandbox.

Every place SpiffWorkflow evaluates model code (script tasks, pre/post-scripts, gateway
conditions, timer and message expressions, DMN cells, multi-instance expressions) calls
`evaluate` or `execute` here. Errors are the engine's `SandboxError` subclasses with
`element_id`, `task_id` and `line` set. Where SpiffWorkflow wraps them (DMN rules wrap any
non-Spiff exception into `WorkflowTaskException`), the original stays reachable through the
exception chain: use `sandbox_error_of(exc)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.budgets import DEFAULT_BUDGETS
from engine.clock import Clock
from engine.errors import EngineError, SandboxError
from engine.sandbox import Sandbox, SandboxSettings

ServiceCaller = Callable[[Any, str, dict], str]


def sandbox_error_of(exc: BaseException | None) -> SandboxError | None:
    """The `SandboxError` behind `exc`, following `__cause__`/`__context__` through wrappers."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, SandboxError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _element_of(task: Any) -> str | None:
    spec = getattr(task, "task_spec", None)
    return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """The environment SpiffWorkflow reaches past the script engine; everything goes to the sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__()
        self.sandbox = sandbox

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        return self.sandbox.evaluate(expression, context, external_context)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        new_data = self.sandbox.execute(script, context, external_context)
        context.clear()
        context.update(new_data)
        return True

    def call_service(self, context: dict, **kwargs: Any) -> str:
        raise EngineError("service calls go through the script engine's service caller")


class SandboxedScriptEngine(PythonScriptEngine):
    """Thread-safe; share one per process definition (or per engine)."""

    def __init__(self, sandbox: Sandbox | None = None, *, settings: SandboxSettings | None = None,
                 clock: Clock | None = None, service_caller: ServiceCaller | None = None) -> None:
        self.sandbox = sandbox or Sandbox(settings, clock)
        # SpiffWorkflow also calls `environment.evaluate` directly (message correlation), so the
        # environment must be sandboxed too, not only this engine's own methods.
        super().__init__(environment=SandboxedEnvironment(self.sandbox))
        self.service_caller = service_caller
        self.budgets = DEFAULT_BUDGETS  # the engine sets its own (engine.services.engine)

    def evaluate(self, task: Any, expression: str, external_context: dict | None = None) -> Any:
        try:
            return self.sandbox.evaluate(expression, task.data, external_context)
        except SandboxError as exc:
            raise self._located(exc, task) from exc.__cause__

    def execute(self, task: Any, script: str, external_context: dict | None = None) -> bool:
        try:
            new_data = self.sandbox.execute(script, task.data, external_context)
        except SandboxError as exc:
            raise self._located(exc, task) from exc.__cause__
        # Replace rather than update, so that variables the script deleted disappear.
        task.data.clear()
        task.data.update(new_data)
        return True

    def call_service(self, task: Any, operation_name: str | None = None,
                     operation_params: dict | None = None, **kwargs: Any) -> str:
        # Overridden whole: SpiffWorkflow 3.2's own error path raises NameError('script').
        if self.service_caller is None:
            raise EngineError(
                f"service task calls '{operation_name}', but no service caller is configured",
                element_id=_element_of(task), task_id=str(getattr(task, "id", "")) or None)
        return self.service_caller(task, operation_name, operation_params or {})

    @property
    def clock(self) -> Clock:
        """The engine's clock: timers (`engine.timers`) and deadline helpers read time here."""
        return self.sandbox.clock

    def close(self) -> None:
        self.sandbox.close()

    @staticmethod
    def _located(exc: SandboxError, task: Any) -> SandboxError:
        exc.element_id = exc.element_id or _element_of(task)
        exc.task_id = exc.task_id or (str(task.id) if getattr(task, "id", None) else None)
        return exc
