"""The engine's exception hierarchy.

Every error carries the context a person needs to find the cause: the process instance, the task,
the BPMN element and the line of a script, where they are known.

Its text is a message id and parameters, so the web layer can say it in the user's language while
the engine knows nothing of Flask: the id is the English template, marked with `N_` for
extraction (`pybabel extract -k N_`), and the parameters fill its `%(name)s` places.
`EngineError(N_("task %(task)s does not exist"), params={"task": task_id})` reads as
"task 1 does not exist" in logs and `str()`, and in Latvian where the catalogue translates it.
The same holds for the items of `InvalidInput.errors`: `{"field", "message"}`, plus `"template"`
and `"params"` when the message can be translated.
"""

from __future__ import annotations

from typing import Any


def N_(template: str) -> str:
    """Marks an engine message template for the translation catalogues; returns it unchanged."""
    return template


def field_error(field: str, template: str, **params: Any) -> dict:
    """One item of `InvalidInput.errors` whose message the web layer can translate."""
    return {"field": field, "message": template % params if params else template, "template": template, "params": params}


class Phrase(str):
    """An English text that the web layer can still say in the user's language: a message id and
    its parameters, used as a parameter of another message ("%(user)r may not work on this task:
    %(reason)s"). It is the English text wherever a plain string is expected."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Phrase:
        phrase = super().__new__(cls, template % params if params else template)
        phrase.template = template
        phrase.params = params
        return phrase


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        instance_id: str | None = None,
        task_id: str | None = None,
        element_id: str | None = None,
        line: int | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.template = message
        self.params = dict(params or {})
        # Only a message with parameters is a template: a plain text may hold a literal "%".
        message = message % self.params if self.params else message
        super().__init__(message)
        self.message = message
        self.instance_id = instance_id
        self.task_id = task_id
        self.element_id = element_id
        self.line = line

    def __str__(self) -> str:
        where = [
            f"{label} {value}"
            for label, value in (
                ("instance", self.instance_id),
                ("task", self.task_id),
                ("element", self.element_id),
                ("line", self.line),
            )
            if value is not None
        ]
        return f"{self.message} ({', '.join(where)})" if where else self.message


class NotFound(EngineError):
    """A process, instance, task or user that does not exist."""


class Conflict(EngineError):
    """A change that collides with the current state (stale version, task not ready, claimed)."""


class PermissionDenied(EngineError):
    """The acting user may not do this."""


class InvalidInput(EngineError):
    """Input that fails validation; `errors` lists the problems field by field."""

    def __init__(self, message: str, errors: list | dict | None = None, **context) -> None:
        super().__init__(message, **context)
        self.errors = errors


class DeploymentInvalid(EngineError):
    """A deployment bundle that failed parsing or lint; `problems` lists each finding."""

    def __init__(self, message: str, problems: list) -> None:
        super().__init__(message)
        self.problems = problems


class SandboxError(EngineError):
    """An expression or script that the sandbox refused or stopped."""


class SandboxViolation(SandboxError):
    """The code uses something the sandbox forbids (found before or while running it)."""


class SandboxTimeout(SandboxError):
    """The evaluation ran past its CPU or wall-clock budget."""


class SandboxMemoryError(SandboxError):
    """The evaluation tried to use more memory than its budget."""


class ScriptError(SandboxError):
    """The user's code itself raised an exception (NameError, ZeroDivisionError, ...)."""


class BpmnError(EngineError):
    """A business error a service handler raises on purpose ("nobody is eligible"): an error
    boundary event on the service task with this code (or a catch-all one) takes it, with `data`
    in the task data; without one it becomes an incident carrying the code and the message."""

    def __init__(self, code: str, message: str, data: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.data = data


class BusinessErrorCaught(EngineError):
    """Internal signal: a BpmnError was handed to its boundary event, so the service task stops
    without failing and the case goes on along the boundary's path."""


class BudgetExceeded(EngineError):
    """A deployed model went past one of its execution budgets (steps, time, depth, instances,
    timer bounds) or left its case stuck; it becomes an incident on that case, never a 500."""
