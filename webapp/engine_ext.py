"""Building the engine for this web process and reaching it from request handlers."""

from __future__ import annotations

import atexit
from datetime import timedelta

from flask import Flask, current_app

from engine import audit
from engine.budgets import ExecutionBudgets
from engine.clock import Clock, SystemClock
from engine.sandbox import Sandbox, SandboxSettings
from engine.script_engine import SandboxedScriptEngine
from engine.service_registry import ServiceRegistry
from engine.services import Engine, EngineSettings
from webapp.extensions import db
from webapp.settings import Settings


def init_app(app: Flask, clock: Clock | None = None) -> None:
    settings: Settings = app.config["LIETA_SETTINGS"]
    clock = clock or SystemClock()
    # Tests share one sandbox (and its worker processes) across many short-lived apps.
    sandbox = app.config.get("LIETA_SANDBOX")
    if sandbox is None:
        sandbox = Sandbox(
            SandboxSettings(
                cpu_seconds=settings.sandbox_cpu_seconds,
                memory_mb=settings.sandbox_memory_mb,
                workers=settings.sandbox_workers,
                max_result_bytes=settings.sandbox_max_result_kib * 1024,
            ),
            clock=clock,
        )
        atexit.register(sandbox.close)
    operations = ServiceRegistry()
    with app.app_context():
        bind = db.engine
    engine = Engine(
        session=lambda: db.session,
        script_engine=SandboxedScriptEngine(sandbox, service_caller=operations.call),
        operations=operations,
        clock=clock,
        bind=bind,
        settings=EngineSettings(
            token_ttl_hours=settings.token_ttl_hours,
            argon2_time_cost=settings.argon2_time_cost,
            argon2_memory_kib=settings.argon2_memory_kib,
            workflow_cache_size=settings.workflow_cache_size,
            message_ttl=timedelta(days=settings.message_ttl_days),
            timer_batch=settings.timer_batch,
            audit_key=audit.derive_key(settings.secret_key),
            sign_in_max_failures=settings.sign_in_max_failures,
            sign_in_window=timedelta(minutes=settings.sign_in_window_minutes),
            sign_in_client_max_failures=settings.sign_in_client_max_failures,
            max_message_starts_per_change=settings.max_message_starts_per_change,
            max_message_follow_up_depth=settings.max_message_follow_up_depth,
            budgets=execution_budgets(settings),
            dmn_cell_max_chars=settings.dmn_cell_max_chars,
            dmn_cell_max_placeholders=settings.dmn_cell_max_placeholders,
            form_pattern_budget_seconds=settings.form_pattern_budget_seconds,
            four_eyes_approval=settings.four_eyes_approval,
            migration_batch=settings.migration_batch,
            reach_probe_rows=settings.reach_probe_rows,
        ),
    )
    app.extensions["lieta_engine"] = engine


def execution_budgets(settings: Settings) -> ExecutionBudgets:
    return ExecutionBudgets(
        max_steps_per_change=settings.max_steps_per_change,
        max_change_seconds=settings.max_change_seconds,
        max_subprocess_depth=settings.max_subprocess_depth,
        max_multi_instance=settings.max_multi_instance,
        max_timer_years=settings.max_timer_years,
        min_timer_cycle_seconds=settings.min_timer_cycle_seconds,
        max_timer_repetitions=settings.max_timer_repetitions,
    )


def get_engine() -> Engine:
    return current_app.extensions["lieta_engine"]
