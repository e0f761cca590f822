from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine as SABind
from sqlalchemy.orm import Session

from engine import audit
from engine.budgets import DEFAULT_BUDGETS, ExecutionBudgets
from engine.clock import Clock, SystemClock
from engine.models import Message, ProcessInstance
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
    # HMAC key of audit rows (engine.audit.derive_key of the secret key); tests and benchmarks
    # may leave the default, production derives it from LIETA_SECRET_KEY.
    audit_key: bytes = b"lieta-development-audit-key"
    sign_in_max_failures: int = 5
    sign_in_window: timedelta = timedelta(minutes=15)
    sign_in_client_max_failures: int = 20
    # Instances one change may start by message (the rest are refused, an incident on the sender),
    # and how many message hops one change may cause before the rest are refused the same way.
    max_message_starts_per_change: int = 10
    max_message_follow_up_depth: int = 10
    budgets: ExecutionBudgets = DEFAULT_BUDGETS
    dmn_cell_max_chars: int = 2000
    dmn_cell_max_placeholders: int = 16
    form_pattern_budget_seconds: float = 0.25
    max_data_bytes: int = 1024 * 1024
    """Largest start data (as JSON) taken: what an evaluator may send back (SandboxSettings.max_result_bytes)."""
    # A deployment proposes its new versions and another analyst approves them (engine.services.approvals).
    four_eyes_approval: bool = False
    migration_batch: int = 50
    # A reader whose part in cases comes to at most this many tasks and cases is served from
    # their own rows (engine/services/reach.py).
    reach_probe_rows: int = 1000


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
        bind: SABind | None = None,
    ) -> None:
        """`bind` is the database engine the sessions use: audit rows written through it are
        MACed with `settings.audit_key`."""
        from engine.services.access import AccessService
        from engine.services.approvals import ApprovalService
        from engine.services.audit_log import AuditLogService
        from engine.services.audit_trail import AuditTrailService
        from engine.services.classifiers import ClassifierService
        from engine.services.deployments import DeploymentService
        from engine.services.directory import DirectoryService
        from engine.services.incidents import IncidentService
        from engine.services.instances import InstanceService
        from engine.services.message_catalogue import CatalogueService
        from engine.services.messages import MessageService
        from engine.services.migrations import MigrationService
        from engine.services.property_register import PropertyRegisterService
        from engine.services.sign_in import SignInService
        from engine.services.supervision import SupervisionService
        from engine.services.tasks import TaskService
        from engine.services.timers import TimerService
        from engine.services.users import UserService

        self.session = session
        self.script_engine = script_engine
        self.clock = clock or SystemClock()
        self.settings = settings or EngineSettings()
        # SpiffWorkflow's task specs (timers, multi-instance, call activities) see only the
        # workflow's script engine: the budgets travel with it (see engine.budgets).
        script_engine.budgets = self.settings.budgets
        self.specs = SpecCache(self.settings.form_pattern_budget_seconds)
        self.workflows = WorkflowCache(self.settings.workflow_cache_size)
        self.operations = operations or ServiceRegistry()
        self.access = AccessService(self)
        self.supervision = SupervisionService(self)
        self.audit_log = AuditLogService(self)
        if bind is not None:
            audit.use_key(bind, self.settings.audit_key)
        self.directory = DirectoryService(self)
        self.users = UserService(self)
        self.sign_in = SignInService(self)
        self.audit_trail = AuditTrailService(self)
        self.deployments = DeploymentService(self)
        self.instances = InstanceService(self)
        self.tasks = TaskService(self)
        self.timers = TimerService(self)
        self.catalogue = CatalogueService(self)
        self.messages = MessageService(self)
        self.incidents = IncidentService(self)
        self.classifiers = ClassifierService(self)
        self.property_register = PropertyRegisterService(self)
        # Called with (instance, message row) for each message a case throws, in the sender's
        # transaction: what must change with a hand-over changes in the same commit.
        self.thrown_listeners: list[Callable[[ProcessInstance, Message], None]] = []
        self.approvals = ApprovalService(self)
        self.migrations = MigrationService(self)

    def close(self) -> None:
        """Stop what the engine owns that outlives a request (the sandbox's evaluator processes)."""
        self.script_engine.close()
