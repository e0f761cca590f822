from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from engine.clock import Clock, SystemClock
from engine.service_registry import ServiceRegistry
from engine.specs import SpecCache
from engine.workflow_cache import WorkflowCache


@dataclass(frozen=True)
class EngineSettings:
    token_ttl_hours: float = 12.0
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    workflow_cache_size: int = 2000
    message_ttl: timedelta = timedelta(days=7)
    timer_batch: int = 200
    max_data_bytes: int = 1024 * 1024
    """Largest start data (as JSON) taken: what an evaluator may send back (SandboxSettings.max_result_bytes)."""


class Engine:
    """Everything one web process (or CLI run, or benchmark) needs to drive processes.

    `session` is a callable returning the current SQLAlchemy session: Flask-SQLAlchemy's scoped
    session in the web app, a plain session in benchmarks. The engine never imports Flask.
    """

    def __init__(
        self,
        session: Callable[[], Session],
        script_engine,
        clock: Clock | None = None,
        settings: EngineSettings | None = None,
        operations: ServiceRegistry | None = None,
    ) -> None:
        from engine.services.deployments import DeploymentService
        from engine.services.incidents import IncidentService
        from engine.services.instances import InstanceService
        from engine.services.messages import MessageService
        from engine.services.tasks import TaskService
        from engine.services.timers import TimerService
        from engine.services.users import UserService

        self.session = session
        self.script_engine = script_engine
        self.clock = clock or SystemClock()
        self.settings = settings or EngineSettings()
        self.specs = SpecCache()
        self.workflows = WorkflowCache(self.settings.workflow_cache_size)
        self.operations = operations or ServiceRegistry()
        self.users = UserService(self)
        self.deployments = DeploymentService(self)
        self.instances = InstanceService(self)
        self.tasks = TaskService(self)
        self.timers = TimerService(self)
        self.messages = MessageService(self)
        self.incidents = IncidentService(self)

    def close(self) -> None:
        """Stop what the engine owns that outlives a request (the sandbox's evaluator processes)."""
        self.script_engine.close()
