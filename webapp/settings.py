"""Typed settings with defaults, each overridable by an environment variable.

In production (`LIETA_ENV=production`) the settings that have no safe default must be given, or
start-up stops with a sentence saying which.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path


class SettingsError(RuntimeError):
    pass


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"expected a yes/no value, got {value!r}")


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = ""
    secret_key: str = "dev-only-secret-key-change-me"
    demo_mode: bool = True
    scheduler_enabled: bool = False
    max_upload_mb: float = 10.0
    token_ttl_hours: float = 12.0
    default_locale: str = "lv"
    sandbox_cpu_seconds: float = 1.0
    sandbox_memory_mb: int = 256
    sandbox_workers: int = 2
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    workflow_cache_size: int = 2000
    timer_poll_seconds: float = 1.0
    timer_batch: int = 200
    message_ttl_days: float = 7.0
    sign_in_max_failures: int = 5
    sign_in_window_minutes: float = 15.0
    sign_in_client_max_failures: int = 20
    proxy_hops: int = 0
    max_message_starts_per_change: int = 10
    max_message_follow_up_depth: int = 10
    max_steps_per_change: int = 10_000
    max_change_seconds: float = 10.0
    max_subprocess_depth: int = 10
    max_multi_instance: int = 200
    max_timer_years: float = 100.0
    min_timer_cycle_seconds: float = 60.0
    max_timer_repetitions: int = 1_000_000
    sandbox_max_result_kib: int = 1024
    dmn_cell_max_chars: int = 2000
    dmn_cell_max_placeholders: int = 16
    form_pattern_budget_seconds: float = 0.25
    api_max_json_kb: int = 1024
    solver_max_seconds: float = 60.0
    fee_rates_file: str = ""  # empty: the scale bundled with the code (engine/fees/rates.json)

    legal_aid_max_rounds: int = 3
    document_templates_dir: str = ""  # empty: the templates bundled with the code (documents/templates)
    document_institution: str = "Lieta (demo)"
    document_place: str = "Rīga"
    seal_cert_file: str = ""  # empty in demo mode: a self-signed demo certificate in the instance folder
    seal_key_file: str = ""
    seal_key_passphrase: str = ""
    # Four-eyes approval of new process versions: when not given, on in production and whenever
    # demo mode is off, off in demo mode (so `make run` and the tests deploy directly).
    four_eyes_approval: bool = False
    migration_batch: int = 50
    reach_probe_rows: int = 1000

    ENV_NAMES = {
        "env": "LIETA_ENV",
        "database_url": "DATABASE_URL",
        "secret_key": "LIETA_SECRET_KEY",
        "demo_mode": "LIETA_DEMO",
        "scheduler_enabled": "LIETA_SCHEDULER",
        "max_upload_mb": "LIETA_MAX_UPLOAD_MB",
        "token_ttl_hours": "LIETA_TOKEN_TTL_HOURS",
        "default_locale": "LIETA_DEFAULT_LOCALE",
        "sandbox_cpu_seconds": "LIETA_SANDBOX_CPU_SECONDS",
        "sandbox_memory_mb": "LIETA_SANDBOX_MEMORY_MB",
        "sandbox_workers": "LIETA_SANDBOX_WORKERS",
        "argon2_time_cost": "LIETA_ARGON2_TIME_COST",
        "argon2_memory_kib": "LIETA_ARGON2_MEMORY_KIB",
        "workflow_cache_size": "LIETA_WORKFLOW_CACHE_SIZE",
        "timer_poll_seconds": "LIETA_TIMER_POLL_SECONDS",
        "timer_batch": "LIETA_TIMER_BATCH",
        "message_ttl_days": "LIETA_MESSAGE_TTL_DAYS",
        "sign_in_max_failures": "LIETA_SIGN_IN_MAX_FAILURES",
        "sign_in_window_minutes": "LIETA_SIGN_IN_WINDOW_MINUTES",
        "sign_in_client_max_failures": "LIETA_SIGN_IN_CLIENT_MAX_FAILURES",
        "proxy_hops": "LIETA_PROXY_HOPS",
        "max_message_starts_per_change": "LIETA_MAX_MESSAGE_STARTS_PER_CHANGE",
        "max_message_follow_up_depth": "LIETA_MAX_MESSAGE_FOLLOW_UP_DEPTH",
        "max_steps_per_change": "LIETA_MAX_STEPS_PER_CHANGE",
        "max_change_seconds": "LIETA_MAX_CHANGE_SECONDS",
        "max_subprocess_depth": "LIETA_MAX_SUBPROCESS_DEPTH",
        "max_multi_instance": "LIETA_MAX_MULTI_INSTANCE",
        "max_timer_years": "LIETA_MAX_TIMER_YEARS",
        "min_timer_cycle_seconds": "LIETA_MIN_TIMER_CYCLE_SECONDS",
        "max_timer_repetitions": "LIETA_MAX_TIMER_REPETITIONS",
        "sandbox_max_result_kib": "LIETA_SANDBOX_MAX_RESULT_KIB",
        "dmn_cell_max_chars": "LIETA_DMN_CELL_MAX_CHARS",
        "dmn_cell_max_placeholders": "LIETA_DMN_CELL_MAX_PLACEHOLDERS",
        "form_pattern_budget_seconds": "LIETA_FORM_PATTERN_BUDGET_SECONDS",
        "api_max_json_kb": "LIETA_API_MAX_JSON_KB",
        "solver_max_seconds": "LIETA_SOLVER_MAX_SECONDS",
        "fee_rates_file": "LIETA_FEE_RATES_FILE",

        "legal_aid_max_rounds": "LIETA_LEGAL_AID_MAX_ROUNDS",
        "document_templates_dir": "LIETA_DOCUMENT_TEMPLATES",
        "document_institution": "LIETA_DOCUMENT_INSTITUTION",
        "document_place": "LIETA_DOCUMENT_PLACE",
        "seal_cert_file": "LIETA_SEAL_CERT",
        "seal_key_file": "LIETA_SEAL_KEY",
        "seal_key_passphrase": "LIETA_SEAL_KEY_PASSPHRASE",
        "four_eyes_approval": "LIETA_FOUR_EYES",
        "migration_batch": "LIETA_MIGRATION_BATCH",
        "reach_probe_rows": "LIETA_REACH_PROBE_ROWS",
    }

    @classmethod
    def from_env(cls, instance_path: str, environ: dict | None = None, overrides: dict | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict = {}
        for f in fields(cls):
            raw = environ.get(cls.ENV_NAMES[f.name])
            if raw is None:
                continue
            try:
                values[f.name] = _convert(f.type, raw)
            except (ValueError, SettingsError) as err:
                raise SettingsError(f"{cls.ENV_NAMES[f.name]}: {err}") from err
        values.update(overrides or {})
        if "four_eyes_approval" not in values:
            env = values.get("env", cls.env)
            values["four_eyes_approval"] = env == "production" or not values.get("demo_mode", cls.demo_mode)
        settings = cls(**values)
        if settings.env == "production":
            missing = [
                name for name, ok in (
                    ("DATABASE_URL", bool(settings.database_url)),
                    ("LIETA_SECRET_KEY", settings.secret_key != cls.secret_key and len(settings.secret_key) >= 16),
                    # Generated decisions carry the institution's seal; a demo certificate is never made here.
                    ("LIETA_SEAL_CERT", bool(settings.seal_cert_file) and Path(settings.seal_cert_file).is_file()),
                    ("LIETA_SEAL_KEY", bool(settings.seal_key_file) and Path(settings.seal_key_file).is_file()),
                ) if not ok
            ]
            if missing:
                raise SettingsError(
                    "production start-up needs these settings: " + ", ".join(missing)
                    + " (LIETA_SECRET_KEY must be at least 16 characters; LIETA_SEAL_CERT and LIETA_SEAL_KEY must"
                    " name the files of the institution's seal certificate and its private key)"
                )
        if not settings.database_url:
            path = Path(instance_path) / "lieta.sqlite3"
            settings = cls(**{**settings.__dict__, "database_url": f"sqlite:///{path}"})
        return settings

    @property
    def sqlalchemy_url(self) -> str:
        return normalise_database_url(self.database_url)


def normalise_database_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (the only PostgreSQL driver we install)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _convert(kind, raw: str):
    kind = kind if isinstance(kind, str) else kind.__name__
    if kind == "bool":
        return _bool(raw)
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    return raw
