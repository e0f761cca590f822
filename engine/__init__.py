"""Lieta's process engine: SpiffWorkflow made durable, concurrent and sandboxed.

Knows nothing of Flask or HTTP; the web application wires it.
"""
