"""The one registry of service-task operations: Python handlers by operation name.

A BPMN service task names an operation (spiff `serviceTaskOperator`); its parameters are
expressions evaluated in the sandbox, and the handler receives their values.

An operation acts on the calling case only: the case comes from the call context
(`current_call`), never from a parameter. A parameter named like a case or instance id
(`case_id`, `case_number`, `business_key`, `instance_id`, `process_instance_id`) that names
anything but the caller's own case is refused before the handler runs, so the task fails with an
incident on the calling case and the other case is never touched. Whatever a handler
raises becomes an incident carrying the handler's own error text (SpiffWorkflow 3.2's
`call_service` error path would hide it behind a NameError; our script engine bypasses it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from engine.business_errors import hand_to_boundary
from engine.errors import BpmnError, BusinessErrorCaught, EngineError

Handler = Callable[[dict[str, Any], dict[str, Any]], Any]


@dataclass(frozen=True)
class ServiceCall:
    """Where the running handler was called from; read it with `current_call.get()`."""

    operation: str
    instance_id: str | None
    task_id: str
    element_id: str | None
    case_reference: str | None = None  # the case number the calling case holds, else its business key
    business_key: str | None = None


current_call: ContextVar[ServiceCall | None] = ContextVar("lieta_service_call", default=None)
INSTANCE_ATTRIBUTE = "lieta_instance_id"  # set on every workflow the engine loads or creates
BUSINESS_KEY_ATTRIBUTE = "lieta_business_key"  # likewise, the instance's business key (or None)
CASE_PARAMETERS = ("case_id", "case_number", "business_key")
INSTANCE_PARAMETERS = ("instance_id", "process_instance_id")
CASE_DATA_KEYS = ("case_number", "case_id")  # where a case keeps its own number in its data


class ServiceTaskError(EngineError):
    """A service handler failed; the message is the handler's own error text."""

    def __init__(self, message: str, *, operation: str | None, **context) -> None:
        super().__init__(message, **context)
        self.operation = operation


@dataclass(frozen=True)
class Operation:
    name: str
    handler: Handler
    max_attempts: int = 3
    backoff: timedelta = timedelta(seconds=30)
    backoff_factor: float = 2.0
    description: str = ""

    def retry_delay(self, attempts_made: int) -> timedelta:
        """Exponential backoff: backoff, backoff×factor, backoff×factor², …"""
        return self.backoff * (self.backoff_factor ** max(attempts_made - 1, 0))


class ServiceRegistry:
    def __init__(self) -> None:
        self._operations: dict[str, Operation] = {}
        self._lock = threading.Lock()

    def register(
        self,
        name: str,
        handler: Handler,
        *,
        max_attempts: int = 3,
        backoff: timedelta = timedelta(seconds=30),
        backoff_factor: float = 2.0,
        description: str = "",
    ) -> Operation:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        operation = Operation(name, handler, max_attempts, backoff, backoff_factor, description)
        with self._lock:
            self._operations[name] = operation
        return operation

    def get(self, name: str) -> Operation | None:
        return self._operations.get(name)

    def names(self) -> list[str]:
        return sorted(self._operations)

    def call(self, task, operation_name: str, operation_params: dict) -> str:
        """The script engine's `service_caller`: run the handler, return its result as JSON."""
        element = getattr(task.task_spec, "bpmn_id", None)
        operation = self.get(operation_name)
        if operation is None:
            raise ServiceTaskError(
                f"no service operation named {operation_name!r} is registered "
                f"(known: {', '.join(self.names()) or 'none'})",
                operation=operation_name, element_id=element, task_id=str(task.id),
            )
        params = {name: spec.get("value") for name, spec in operation_params.items()}
        call = _call_context(task, operation_name, element)
        refused = _foreign_case_parameter(call, params)
        if refused is not None:
            raise ServiceTaskError(
                f"{operation_name} was refused: {refused}; a service operation acts only on the calling case, "
                "which it takes from the call, not from a parameter",
                operation=operation_name, element_id=element, task_id=str(task.id),
            )
        token = current_call.set(call)
        try:
            result = operation.handler(params, dict(task.data))
        except BpmnError as err:
            if hand_to_boundary(task, err):
                task.internal_data["business_error_caught"] = True
                raise BusinessErrorCaught(f"{operation_name}: {err.code}", element_id=element, task_id=str(task.id)) from err
            raise ServiceTaskError(
                f"{operation_name} raised the business error {err.code}: {err.message} "
                "(no error boundary event on the task catches it)",
                operation=None, element_id=element, task_id=str(task.id),
            ) from err
        except EngineError as err:
            raise ServiceTaskError(
                f"{operation_name} failed: {err}", operation=operation_name, element_id=element, task_id=str(task.id)
            ) from err
        except Exception as err:  # noqa: BLE001 - any handler failure becomes an incident with its real text
            raise ServiceTaskError(
                f"{operation_name} failed: {type(err).__name__}: {err}",
                operation=operation_name, element_id=element, task_id=str(task.id),
            ) from err
        finally:
            current_call.reset(token)
        try:
            return json.dumps(result)
        except (TypeError, ValueError) as err:
            raise ServiceTaskError(
                f"{operation_name} returned a value that is not JSON: {err}",
                operation=operation_name, element_id=element, task_id=str(task.id),
            ) from err


def _call_context(task, operation_name: str, element: str | None) -> ServiceCall:
    top = task.workflow.top_workflow
    business_key = getattr(top, BUSINESS_KEY_ATTRIBUTE, None)
    case_reference = next(
        (str(task.data[key]) for key in CASE_DATA_KEYS if task.data.get(key) not in (None, "")), business_key
    )
    return ServiceCall(
        operation_name, getattr(top, INSTANCE_ATTRIBUTE, None), str(task.id), element, case_reference, business_key
    )


def _foreign_case_parameter(call: ServiceCall, params: dict[str, Any]) -> str | None:
    """Why a parameter names a case other than the caller's, or None."""
    own_instance = {call.instance_id} - {None}
    own_case = {call.case_reference, call.business_key, call.instance_id} - {None}
    for name, value in sorted(params.items()):
        own = own_instance if name in INSTANCE_PARAMETERS else own_case if name in CASE_PARAMETERS else None
        if own is None or value is None or value == "":
            continue
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value) not in own:
            return f"parameter {name!r} names another case"
    return None
