"""Lieta's process engine: SpiffWorkflow made durable, concurrent and sandboxed.

Knows nothing of Flask or HTTP; the web application wires it.
"""

from engine.errors import BpmnError  # noqa: E402 - the one name handlers import: `engine.BpmnError`

__all__ = ["BpmnError"]
