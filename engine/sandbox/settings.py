"""Limits of the sandbox, filled by the web app from its configuration."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxSettings:
    cpu_seconds: float = 1.0
    """CPU budget of one evaluation in a worker (the kernel kills the worker beyond it)."""
    memory_mb: int = 256
    """Address-space cap of each worker process."""
    workers: int = 2
    """Upper bound of evaluator processes; they are started on first use."""
    max_result_bytes: int = 1024 * 1024
    """Largest encoded result (task data after a script) accepted back from a worker."""
    wall_margin_seconds: float = 1.0
    """Extra wall-clock time before the parent kills a worker (scheduling, start of a budget)."""
    start_timeout_seconds: float = 30.0
    """How long a new worker may take to import its helpers and report ready."""
    fast_path: bool = True
    """Evaluate provably bounded expressions in-process (see `engine.sandbox.fast_path`)."""

    def __post_init__(self) -> None:
        if self.cpu_seconds <= 0 or self.memory_mb < 64 or self.workers < 1:
            raise ValueError("cpu_seconds must be > 0, memory_mb >= 64 and workers >= 1")
