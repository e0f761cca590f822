"""Fixtures for the sandbox tests: one worker pool for the session, closed at the end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.clock import FrozenClock
from engine.sandbox import Sandbox, SandboxSettings

# Monday 16 November 2026, 10:00 in Riga (EET, UTC+2).
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture(scope="session")
def sandbox(clock: FrozenClock):
    box = Sandbox(SandboxSettings(cpu_seconds=1.0, memory_mb=256, workers=2), clock)
    yield box
    box.close()
