"""The background scheduler of a web process (APScheduler 3).

Timers, message expiry and retries register their jobs here (engine issue 3); the scheduler only
starts when `LIETA_SCHEDULER` is on, which `make run` sets and tests leave off unless they test it.
"""

from __future__ import annotations

import atexit
import logging

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    settings = app.config["LIETA_SETTINGS"]
    scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    app.extensions["lieta_scheduler"] = scheduler
    if settings.scheduler_enabled:
        scheduler.start()
        atexit.register(lambda: scheduler.shutdown(wait=False))
        log.info("scheduler started")
